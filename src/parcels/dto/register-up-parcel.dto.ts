import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';
import { SenderKind } from '../parcel.enums';
import { CARRIER_CODE, CLIENT_ID, WAYBILL } from '../waybill';

/** An up parcel (上行) registered at the counter. */
export class RegisterUpParcelDto {
  @ApiProperty({ example: 'YD' })
  @Matches(CARRIER_CODE)
  carrierCode: string;

  @ApiProperty({ example: '4312345678901' })
  @Matches(WAYBILL, { message: 'waybillNo must be 8–20 letters and digits' })
  waybillNo: string;

  @ApiProperty({ enum: SenderKind })
  @IsEnum(SenderKind)
  senderKind: SenderKind;

  @ApiPropertyOptional({ description: '寄件农户 id (farmer id)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  senderFarmerId?: string;

  @ApiProperty({ example: '吴金兰' })
  @IsString() @Length(1, 50)
  senderName: string;

  @ApiProperty({ example: '13807371234' })
  @Matches(MOBILE_PHONE)
  senderPhone: string;

  @ApiProperty({ example: '广东省' })
  @IsString() @Length(2, 20)
  destinationProvince: string;

  @ApiProperty({ example: '深圳市' })
  @IsString() @Length(2, 30)
  destinationCity: string;

  @ApiProperty({ example: 2500, description: '重量（克），至少 1' })
  @IsInt() @Min(1) @Max(1_000_000)
  weightG: number;

  @ApiProperty({ example: 1200, description: '运费（分），不可为负 fee in fen' })
  @IsInt() @Min(0) @Max(100_000_000)
  feeFen: number;

  @ApiProperty({ example: '土鸡蛋 30 枚' })
  @IsString() @Length(1, 100)
  declaredContents: string;

  @ApiPropertyOptional({ description: '农户自产商品 id (the farmer\'s own product)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  goodsProductId?: string;

  @ApiPropertyOptional({ description: '商品数量（基本单位）quantity in the product base unit' })
  @ValidateIf((o: RegisterUpParcelDto) => o.goodsProductId !== undefined || o.goodsQuantity !== undefined)
  @IsInt() @Min(1) @Max(10_000_000)
  goodsQuantity?: number;

  @ApiPropertyOptional({ description: '对应的上门揽件请求 id (the home pickup request this fulfils)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  homePickupRequestId?: string;

  @ApiPropertyOptional()
  @IsOptional() @Matches(CLIENT_ID)
  clientId?: string;
}
