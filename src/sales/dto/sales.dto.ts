import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ChannelKind } from '../sales-channel.entity';
import { RefundDisposition } from '../sale-refund.entity';

const ID = /^[1-9]\d{0,18}$/;

export class CreateChannelDto {
  @ApiProperty({ enum: ChannelKind }) @IsEnum(ChannelKind) kind: ChannelKind;
  @ApiProperty({ example: '益阳步行街门店' }) @IsString() @Length(1, 64) name: string;
  @ApiPropertyOptional({ example: '抖音' }) @IsOptional() @IsString() @Length(1, 32) platform?: string;
  @ApiPropertyOptional({ example: '怡创客旗舰店' }) @IsOptional() @IsString() @Length(1, 64) shop?: string;
  @ApiProperty({ description: '出货仓库 warehouse the channel sells from' }) @Matches(ID) warehouseId: string;
}

export class CreateShowDto {
  @ApiProperty({ example: '桃江小妹' }) @IsString() @Length(1, 64) hostName: string;
  @ApiProperty({ example: '抖音' }) @IsString() @Length(1, 32) platform: string;
  @ApiProperty() @IsISO8601() startsAt: string;
  @ApiProperty() @IsISO8601() endsAt: string;
  @ApiProperty({ example: 1500, description: '主播佣金（万分比，按销售额）host commission, basis points of revenue' }) @IsInt() @Min(0) @Max(10_000) hostCommissionBasisPoints: number;
}

export class SaleLineInputDto {
  @ApiProperty() @Matches(ID) skuId: string;
  @ApiPropertyOptional({ description: '指定批号（否则先到期先出）named lot, else FEFO' }) @IsOptional() @Matches(ID) lotId?: string;
  @ApiProperty() @IsInt() @Min(1) @Max(1_000_000) packs: number;
  @ApiProperty({ description: '每包售价（分）price per pack in fen; 0 only for a giveaway' }) @IsInt() @Min(-100_000_000) @Max(100_000_000) unitPriceFen: number;
}

export class CreateSaleDto {
  @ApiProperty({ description: '客户端 UUID：重发只记一次' }) @IsUUID() clientId: string;
  @ApiPropertyOptional({ description: '平台订单号（直播/平台订单）external order id' }) @IsOptional() @IsString() @Length(1, 64) externalOrderId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID) showId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() soldAt?: string;
  @ApiPropertyOptional({ description: '赠品原因（零价必填）giveaway reason, required for price 0' }) @IsOptional() @IsString() @Length(1, 255) giveawayReason?: string;
  @ApiProperty({ type: [SaleLineInputDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => SaleLineInputDto)
  lines: SaleLineInputDto[];
}

export class CreateRefundDto {
  @ApiProperty() @IsUUID() clientId: string;
  @ApiProperty() @IsInt() @Min(1) @Max(1_000_000) packs: number;
  @ApiProperty({ enum: RefundDisposition }) @IsEnum(RefundDisposition) disposition: RefundDisposition;
  @ApiProperty() @IsString() @Length(1, 255) reason: string;
}

export class ImportQueryDto {
  @ApiPropertyOptional({ enum: ['all', 'good_rows'], description: 'all: 有错行则全部不导入（默认）; good_rows: 导入其余行' })
  @IsOptional() @IsIn(['all', 'good_rows']) mode?: 'all' | 'good_rows';
  @ApiPropertyOptional() @IsOptional() @Matches(ID) showId?: string;
}

export class SalesReportQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) from?: string;
  @ApiPropertyOptional({ example: '2026-11-30' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) to?: string;
  @ApiPropertyOptional({ enum: ['channel', 'sku', 'day'] }) @IsOptional() @IsIn(['channel', 'sku', 'day']) groupBy?: 'channel' | 'sku' | 'day';
}

export class FarmerSalesQueryDto {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(ID) cursor?: string;
}
