import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateFarmerDto } from './create-farmer.dto';

/** Any field may change; `idNumber: null` is not accepted (an ID, once recorded, is replaced, not erased). */
export class UpdateFarmerDto extends PartialType(CreateFarmerDto) {
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  active?: boolean;
}
