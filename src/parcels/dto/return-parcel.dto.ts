import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { WAYBILL } from '../waybill';

export class ReturnParcelDto {
  @ApiProperty({ example: 'ZT7730000001', description: '退回运单号 return waybill' })
  @Matches(WAYBILL, { message: 'returnWaybillNo must be 8–20 letters and digits' })
  returnWaybillNo: string;

  @ApiPropertyOptional({ example: '超期未取' })
  @IsOptional() @IsString() @Length(1, 255)
  reason?: string;
}
