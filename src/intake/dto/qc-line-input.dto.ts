import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { QcAcceptedInputDto } from './qc-accepted-input.dto';
import { QcRejectedInputDto } from './qc-rejected-input.dto';

export class QcLineInputDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(100)
  lineNo: number;

  @ApiProperty({ type: [QcAcceptedInputDto] })
  @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => QcAcceptedInputDto)
  accepted: QcAcceptedInputDto[];

  @ApiProperty({ type: [QcRejectedInputDto] })
  @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => QcRejectedInputDto)
  rejected: QcRejectedInputDto[];

  @ApiProperty({ example: { cracks: true, dirt: true, size: true }, description: '商品质检清单每项的结果 an answer per checklist item' })
  @IsObject()
  checklist: Record<string, boolean>;

  @ApiPropertyOptional({ description: '实测重量（克）measured weight, grams' }) @IsOptional() @IsInt() @Min(0) @Max(100_000_000)
  measuredWeightGrams?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 255)
  note?: string;
}
