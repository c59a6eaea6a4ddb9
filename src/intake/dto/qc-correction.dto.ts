import { ApiProperty, OmitType } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { QcLineInputDto } from './qc-line-input.dto';

/** A corrected QC for one line (the line number is in the path) and why. */
export class QcCorrectionDto extends OmitType(QcLineInputDto, ['lineNo'] as const) {
  @ApiProperty({ example: '复检发现二级品误判为一级' }) @IsString() @Length(2, 255)
  reason: string;
}
