import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { QUANTITY_PATTERN } from '../../common/quantity';
import { quantityAsText } from './consignment-line-input.dto';

export class QcAcceptedInputDto {
  @ApiProperty({ example: 'A' }) @Matches(/^[A-Z0-9_]{1,16}$/)
  gradeCode: string;

  @ApiProperty({ example: '28', description: '按该行的展示单位 in the line\'s display unit' })
  @quantityAsText() @Matches(QUANTITY_PATTERN)
  quantity: string;
}
