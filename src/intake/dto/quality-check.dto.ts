import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { QcLineInputDto } from './qc-line-input.dto';

/** QC of one or more lines of a consignment, in one transaction. */
export class QualityCheckDto {
  @ApiProperty({ type: [QcLineInputDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => QcLineInputDto)
  lines: QcLineInputDto[];
}
