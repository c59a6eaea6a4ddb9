import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/** The farmer's confirmation of a cash hand-over: a signature image reference, or the SMS code they received. */
export class CashHandoverDto {
  @ApiPropertyOptional({ description: '签名图片引用 reference of the signature image' }) @IsOptional() @IsString() @Length(4, 255)
  signatureRef?: string;

  @ApiPropertyOptional({ description: '农户收到的短信验证码 the SMS code the farmer received' }) @IsOptional() @Matches(/^\d{6}$/)
  smsCode?: string;
}
