import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';
import { CARRIER_CODE, CLIENT_ID, WAYBILL } from '../waybill';

/** One down parcel scanned in at the counter. */
export class RegisterArrivalDto {
  @ApiProperty({ example: 'ZTO', description: '承运商代码 carrier code' })
  @Matches(CARRIER_CODE)
  carrierCode: string;

  @ApiProperty({ example: '773012345678901', description: '运单号：8–20 位字母或数字' })
  @Matches(WAYBILL, { message: 'waybillNo must be 8–20 letters and digits' })
  waybillNo: string;

  @ApiProperty({ example: '吴金兰' })
  @IsString() @Length(1, 50)
  recipientName: string;

  @ApiProperty({ example: '13807371234' })
  @Matches(MOBILE_PHONE)
  recipientPhone: string;

  @ApiPropertyOptional({ example: 1200, description: '重量（克）weight in grams' })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  weightG?: number;

  @ApiPropertyOptional({ description: '客户端生成的 id：重发同一请求只登记一次 (client-generated id for retries)' })
  @IsOptional() @Matches(CLIENT_ID)
  clientId?: string;
}
