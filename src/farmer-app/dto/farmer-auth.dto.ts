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

export class MeEarningsQueryDto {
  @ApiPropertyOptional({ example: '2026-06-01', description: '起始日（上海时间）first Asia/Shanghai day' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from?: string;

  @ApiPropertyOptional({ example: '2026-06-30', description: '截止日（含）last day, inclusive' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to?: string;
}
