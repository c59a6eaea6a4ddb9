import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEnum, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { MOBILE_PHONE } from '../../common/validation';
import { BatchStatus, CarrierKind, LossCause } from '../batch-status';

const ID = /^\d{1,20}$/;

export class CreateBatchDto {
  @ApiProperty({ description: '客户端 UUID，重发只建一次 client UUID; a retry creates once' }) @IsUUID()
  clientId: string;

  @ApiProperty() @Matches(ID)
  pointId: string;

  @ApiProperty({ description: '目的仓库 destination warehouse' }) @Matches(ID)
  warehouseId: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255)
  note?: string;
}

export class BatchItemInputDto {
  @ApiProperty() @Matches(ID)
  consignmentLineId: string;

  @ApiPropertyOptional({ description: '装批数量（基本单位）；不填为该行剩余的全部合格数量 base units; default: all that is left' })
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000)
  quantityBase?: number;
}

export class AddBatchItemsDto {
  @ApiProperty({ description: '请求 UUID：重发不会重复装批 request UUID; a retry is a no-op' }) @IsUUID()
  requestId: string;

  @ApiProperty({ type: [BatchItemInputDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => BatchItemInputDto)
  items: BatchItemInputDto[];
}

export class DispatchBatchDto {
  @ApiProperty({ example: '湘H·12345' }) @IsString() @Length(2, 16)
  vehiclePlate: string;

  @ApiProperty({ example: '李师傅' }) @IsString() @Length(1, 50)
  driverName: string;

  @ApiProperty({ example: '13907371234' }) @Matches(MOBILE_PHONE)
  driverPhone: string;

  @ApiProperty({ enum: CarrierKind }) @IsEnum(CarrierKind)
  carrierKind: CarrierKind;

  @ApiPropertyOptional({ description: '承运商名称（carrierKind=CARRIER 时必填）' }) @IsOptional() @IsString() @Length(1, 100)
  carrierName?: string;

  @ApiProperty({ description: '发车时间 departure time' }) @IsISO8601({ strict: true })
  departedAt: string;
}

export class CancelBatchDto {
  @ApiProperty({ example: '车辆故障，改日发车' }) @IsString() @Length(2, 255)
  reason: string;
}

export class ReceiptLineDto {
  @ApiProperty() @Matches(ID)
  batchItemId: string;

  @ApiProperty({ description: '完好收到的数量（基本单位）received in good order' }) @IsInt() @Min(0) @Max(100_000_000)
  receivedQuantityBase: number;

  @ApiPropertyOptional({ description: '破损/变质数量 damaged', default: 0 }) @IsOptional() @IsInt() @Min(0) @Max(100_000_000)
  damagedQuantityBase?: number;

  @ApiPropertyOptional({ enum: LossCause, description: '破损的原因，默认 DAMAGED 破损' }) @IsOptional() @IsEnum(LossCause)
  damageCause?: LossCause;

  @ApiPropertyOptional({ description: '本行已清点完毕：与清单的差额记为运输损耗 the line is fully counted; the rest is transit loss' })
  @IsOptional() @IsBoolean()
  complete?: boolean;

  @ApiPropertyOptional({ enum: LossCause, description: '差额（未到货）的原因，默认 LOST 丢失' }) @IsOptional() @IsEnum(LossCause)
  lossCause?: LossCause;

  @ApiPropertyOptional({ description: '多于清单时必填的原因 required when more than shipped arrived' }) @IsOptional() @IsString() @Length(2, 255)
  surplusReason?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255)
  note?: string;
}

export class ReceiveBatchDto {
  @ApiProperty({ description: '请求 UUID：重发不会重复收货 request UUID; a retry is a no-op' }) @IsUUID()
  requestId: string;

  @ApiProperty({ type: [ReceiptLineDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => ReceiptLineDto)
  lines: ReceiptLineDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255)
  note?: string;
}

export class ChargebackDto {
  @ApiProperty({ description: '请求 UUID' }) @IsUUID()
  requestId: string;

  @ApiProperty({ description: '扣回数量（基本单位）quantity charged back' }) @IsInt() @Min(1) @Max(100_000_000)
  quantityBase: number;

  @ApiProperty({ example: '坛子菜开封后发现变质（封口完好，属隐性缺陷）' }) @IsString() @Length(2, 255)
  reason: string;

  @ApiPropertyOptional({ description: '证据说明 evidence text' }) @IsOptional() @IsString() @Length(2, 1000)
  evidenceNote?: string;

  @ApiPropertyOptional({ type: [String], description: '照片引用 photo references' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 500, { each: true })
  evidencePhotos?: string[];
}

export class ListBatchesQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(ID)
  pointId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(ID)
  warehouseId?: string;

  @ApiPropertyOptional({ enum: BatchStatus }) @IsOptional() @IsEnum(BatchStatus)
  status?: BatchStatus;
}
