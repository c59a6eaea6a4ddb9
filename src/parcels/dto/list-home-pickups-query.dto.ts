import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { HomePickupStatus } from '../parcel.enums';

export class ListHomePickupsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: HomePickupStatus })
  @IsOptional() @IsEnum(HomePickupStatus)
  status?: HomePickupStatus;
}
