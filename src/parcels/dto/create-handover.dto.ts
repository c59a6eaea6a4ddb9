import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';
import { CARRIER_CODE } from '../waybill';

/** The day's up parcels of one carrier handed to its courier, signed off by both sides. */
export class CreateHandoverDto {
  @ApiProperty({ example: 'YD' })
  @Matches(CARRIER_CODE)
  carrierCode: string;

  @ApiProperty({ example: '王师傅' })
  @IsString() @Length(1, 50)
  courierName: string;

  @ApiProperty({ example: '13807379999' })
  @Matches(MOBILE_PHONE)
  courierPhone: string;

  @ApiProperty({ example: '王建国', description: '快递员签名（手写姓名或签名图片引用）courier signature' })
  @IsString() @Length(1, 255)
  courierSignature: string;

  @ApiPropertyOptional({ description: '只交接这些上行件（默认：该承运商所有待交接件）' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2000) @Matches(/^\d{1,20}$/, { each: true })
  upParcelIds?: string[];
}
