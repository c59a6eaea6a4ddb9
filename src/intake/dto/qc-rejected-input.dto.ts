import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';
import { QUANTITY_PATTERN } from '../../common/quantity';
import { RejectDisposition, RejectReason } from '../intake-status';
import { quantityAsText } from './consignment-line-input.dto';

export class QcRejectedInputDto {
  @ApiProperty({ enum: RejectReason, description: '破损/变质/重量不足/包装渗漏/异味/标签缺失/过期/其他' })
  @IsEnum(RejectReason)
  reason: RejectReason;

  @ApiProperty({ example: '2' }) @quantityAsText() @Matches(QUANTITY_PATTERN)
  quantity: string;

  @ApiProperty({ enum: RejectDisposition, description: '退回农户或经农户同意销毁 returned, or discarded with consent' })
  @IsEnum(RejectDisposition)
  disposition: RejectDisposition;

  @ApiPropertyOptional({ description: '原因为“其他”时必填 required for OTHER' }) @IsOptional() @IsString() @Length(1, 255)
  note?: string;
}
