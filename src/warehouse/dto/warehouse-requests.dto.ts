import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, NotEquals, ValidateNested } from 'class-validator';
import { BaseUnit } from '../../catalog/product.entity';
import { AdjustmentKind } from '../lot.entity';
import { ProcessingKind } from '../processing.entity';

const ID = /^\d{1,20}$/;

export class CreateSkuDto {
  @ApiProperty({ example: 'EGG-30' }) @Matches(/^[A-Z0-9-]{2,32}$/)
  code: string;

  @ApiProperty({ example: '土鸡蛋 30枚礼盒' }) @IsString() @Length(1, 100)
  name: string;

  @ApiProperty() @Matches(ID)
  productId: string;

  @ApiProperty({ enum: BaseUnit, description: '包装内容的单位，须与商品基本单位一致 must be the product\'s base unit' }) @IsEnum(BaseUnit)
  contentUnit: BaseUnit;

  @ApiProperty({ example: 30, description: '每包内容（基本单位）content per pack in base units' }) @IsInt() @Min(1) @Max(10_000_000)
  contentBasePerPack: number;
}

export class ProcessingInputDto {
  @ApiProperty() @Matches(ID)
  batchItemId: string;

  @ApiProperty({ description: '投入数量（基本单位）' }) @IsInt() @Min(1) @Max(100_000_000)
  quantityBase: number;
}

export class ProcessingOutputDto {
  @ApiProperty() @Matches(ID)
  skuId: string;

  @ApiProperty({ description: '产出包数 packs' }) @IsInt() @Min(1) @Max(10_000_000)
  packs: number;
}

export class ProcessingDto {
  @ApiProperty({ description: '请求 UUID：重发不重复 request UUID' }) @IsUUID()
  requestId: string;

  @ApiProperty({ enum: ProcessingKind }) @IsEnum(ProcessingKind)
  kind: ProcessingKind;

  @ApiProperty({ type: [ProcessingInputDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => ProcessingInputDto)
  inputs: ProcessingInputDto[];

  @ApiProperty({ type: [ProcessingOutputDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ProcessingOutputDto)
  outputs: ProcessingOutputDto[];

  @ApiProperty({ description: '加工损耗（基本单位）；投入 = 产出内容 + 损耗 loss in base units' }) @IsInt() @Min(0) @Max(100_000_000)
  lossBase: number;

  @ApiPropertyOptional({ description: '损耗原因（有损耗时必填）' }) @IsOptional() @IsString() @Length(2, 255)
  lossReason?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255)
  note?: string;

  @ApiPropertyOptional({ description: '包装时间，默认现在 packing time' }) @IsOptional() @IsISO8601({ strict: true })
  packedAt?: string;
}

export class AdjustmentDto {
  @ApiProperty() @IsUUID()
  requestId: string;

  @ApiProperty({ description: '在库包数的变化（负数为减少）change of packs on hand' }) @IsInt() @NotEquals(0) @Min(-10_000_000) @Max(10_000_000)
  deltaPacks: number;

  @ApiProperty({ enum: [AdjustmentKind.COUNT_CORRECTION, AdjustmentKind.BREAKAGE, AdjustmentKind.OTHER] })
  @IsIn([AdjustmentKind.COUNT_CORRECTION, AdjustmentKind.BREAKAGE, AdjustmentKind.OTHER])
  kind: AdjustmentKind;

  @ApiProperty({ example: '盘点少 1 箱' }) @IsString() @Length(2, 255)
  reason: string;
}

export class InventoryQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(ID)
  skuId?: string;
}
