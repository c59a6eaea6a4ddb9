import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { PickupProxyDto } from './pickup-proxy.dto';

export class PickupByCodeDto extends PickupProxyDto {
  @ApiProperty({ example: '3-2-0417', description: '取件码 pickup code' })
  @IsString() @Length(3, 20)
  code: string;

  @ApiPropertyOptional({ example: '1234', description: '收件人手机尾号（可选，核对用；错误会计入尝试次数）' })
  @IsOptional() @Matches(/^\d{4}$/)
  phoneLast4?: string;
}
