import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { UpParcelStatus } from '../parcel.enums';
import { CARRIER_CODE } from '../waybill';

export class ListUpParcelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: UpParcelStatus })
  @IsOptional() @IsEnum(UpParcelStatus)
  status?: UpParcelStatus;

  @ApiPropertyOptional({ example: 'YD' })
  @IsOptional() @Matches(CARRIER_CODE)
  carrierCode?: string;
}
