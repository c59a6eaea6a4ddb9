import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { DownParcelStatus } from '../parcel.enums';

export class ListDownParcelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DownParcelStatus })
  @IsOptional() @IsEnum(DownParcelStatus)
  status?: DownParcelStatus;

  @ApiPropertyOptional({ example: '1234', description: '收件人手机尾号 phone tail' })
  @IsOptional() @Matches(/^\d{4}$/)
  phoneLast4?: string;
}
