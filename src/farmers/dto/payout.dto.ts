import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PayoutMethod } from '../farmer.entity';

/** How a farmer is paid. Account numbers are encrypted at rest and only ever returned masked. */
export class PayoutDto {
  @ApiProperty({ enum: PayoutMethod, example: PayoutMethod.BANK_CARD })
  @IsEnum(PayoutMethod)
  method: PayoutMethod;

  @ApiPropertyOptional({ example: '桃江农商银行', description: '银行卡必填 required for BANK_CARD' })
  @IsOptional() @IsString() @Length(2, 50)
  bankName?: string;

  @ApiPropertyOptional({ example: '6222021234567890123', description: '银行卡号 / 支付宝账号 / 微信收款账号' })
  @IsOptional() @Matches(/^[0-9A-Za-z@._-]{4,40}$/)
  accountNumber?: string;
}
