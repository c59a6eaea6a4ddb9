import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateProductDto } from './create-product.dto';

/**
 * Code and base unit never change (quantities already recorded are in that unit). Units and grades
 * may be added or renamed but not removed or resized: prices and consignments refer to them.
 */
export class UpdateProductDto extends PartialType(OmitType(CreateProductDto, ['code', 'baseUnit'] as const)) {
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  active?: boolean;
}
