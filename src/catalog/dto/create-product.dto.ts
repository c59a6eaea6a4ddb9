import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { BaseUnit, SettlementMode } from '../product.entity';
import { ChecklistItemDto } from './checklist-item.dto';
import { DisplayUnitDto } from './display-unit.dto';
import { GradeDto } from './grade.dto';

export class CreateProductDto {
  @ApiProperty({ example: 'EGG' }) @Matches(/^[A-Z][A-Z0-9_-]{0,31}$/)
  code: string;

  @ApiProperty({ example: '土鸡蛋' }) @IsString() @Length(1, 50)
  name: string;

  @ApiProperty({ example: '禽蛋' }) @IsString() @Length(1, 32)
  category: string;

  @ApiProperty({ enum: BaseUnit }) @IsEnum(BaseUnit)
  baseUnit: BaseUnit;

  @ApiProperty({ type: [DisplayUnitDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => DisplayUnitDto)
  units: DisplayUnitDto[];

  @ApiProperty({ type: [GradeDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => GradeDto)
  grades: GradeDto[];

  @ApiProperty({ type: [ChecklistItemDto] })
  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ChecklistItemDto)
  qcChecklist: ChecklistItemDto[];

  @ApiProperty({ example: 30 }) @IsInt() @Min(0) @Max(3650)
  shelfLifeDays: number;

  @ApiProperty({ enum: SettlementMode }) @IsEnum(SettlementMode)
  settlementMode: SettlementMode;

  @ApiProperty({ example: 2000, description: '单行数量上限（基本单位）sanity maximum per line, base units' })
  @IsInt() @Min(1) @Max(100_000_000)
  maxQuantityBasePerLine: number;

  @ApiPropertyOptional({ example: 30, description: '寄售期（天），到期未售按滞销策略处理 consignment period in days' })
  @IsOptional() @IsInt() @Min(1) @Max(3650)
  consignmentPeriodDays?: number;

  @ApiPropertyOptional({ example: 6000, nullable: true, description: '农户按售价分成（万分比），不填则按质检价 farmer share of the sale price in basis points' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  farmerShareBasisPoints?: number | null;
}
