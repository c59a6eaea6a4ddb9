import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { QUANTITY_PATTERN } from '../../common/quantity';

/** Accepts 2.5 or "2.5"; the text is converted exactly to base units by the service. */
export const quantityAsText = () => Transform(({ value }) => (typeof value === 'number' ? String(value) : value));

export class ConsignmentLineInputDto {
  @ApiProperty() @Matches(/^\d{1,20}$/)
  productId: string;

  @ApiProperty({ example: '2.5', description: '展示单位数量，最多 3 位小数 quantity in the display unit, up to 3 decimals', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @quantityAsText() @Matches(QUANTITY_PATTERN)
  quantity: string;

  @ApiProperty({ example: '斤', description: '展示单位 display unit' }) @IsString() @Length(1, 8)
  unit: string;

  @ApiProperty({ example: 'A', description: '申报等级 declared grade' }) @Matches(/^[A-Z0-9_]{1,16}$/)
  gradeCode: string;

  @ApiPropertyOptional({ description: '交付的订单农业认购（同一农户、商品、服务点，订单未关闭）the order-farming pledge this line delivers against' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  pledgeId?: string;
}
