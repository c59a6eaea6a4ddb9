import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';
import { CARRIER_CODE, CLIENT_ID } from '../waybill';

/** 上门揽件: a villager phoned the point to have a courier fetch a parcel. */
export class CreateHomePickupDto {
  @ApiProperty({ example: '吴金兰' })
  @IsString() @Length(1, 50)
  requesterName: string;

  @ApiProperty({ example: '13807371234' })
  @Matches(MOBILE_PHONE)
  requesterPhone: string;

  @ApiProperty({ example: '花桥港村3组12号' })
  @IsString() @Length(1, 255)
  address: string;

  @ApiProperty({ example: '2026-11-23T01:00:00.000Z' })
  @IsDateString()
  windowStart: string;

  @ApiProperty({ example: '2026-11-23T04:00:00.000Z' })
  @IsDateString()
  windowEnd: string;

  @ApiPropertyOptional({ example: 'YD', description: '指定承运商（可选）' })
  @IsOptional() @Matches(CARRIER_CODE)
  carrierCode?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @Length(1, 255)
  note?: string;

  @ApiPropertyOptional()
  @IsOptional() @Matches(CLIENT_ID)
  clientId?: string;
}
