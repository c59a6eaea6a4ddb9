import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { UpParcelStatus } from '../parcel.enums';

export class ListUpParcelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: UpParcelStatus })
  @IsOptional() @IsEnum(UpParcelStatus)
  status?: UpParcelStatus;

  @ApiPropertyOptional({ example: 'YD' })
  @IsOptional() @Matches(/^[A-Za-z][A-Za-z0-9]{1,15}$/)
  carrierCode?: string;
}
