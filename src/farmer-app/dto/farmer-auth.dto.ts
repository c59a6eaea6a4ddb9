import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';

export class RequestCodeDto {
  @ApiProperty({ example: '13907371234' }) @Matches(MOBILE_PHONE)
  phone: string;
}

export class FarmerLoginDto {
  @ApiProperty({ example: '13907371234' }) @Matches(MOBILE_PHONE)
  phone: string;

  @ApiProperty({ example: '123456', description: '短信验证码（6位）' }) @Matches(/^\d{6}$/)
  code: string;
}

export class MeConsignmentsQueryDto {
  @ApiPropertyOptional({ default: 20, maximum: 100 }) @IsOptional() @Matches(/^\d{1,3}$/)
  limit?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  cursor?: string;
}
