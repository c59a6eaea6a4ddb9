import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export class CreateCarrierDto {
  @ApiProperty({ example: 'YZXD', description: '承运商代码 (A–Z, 0–9)' })
  @Matches(/^[A-Z][A-Z0-9]{1,15}$/)
  code: string;

  @ApiProperty({ example: '邮政小包' })
  @IsString() @Length(1, 50)
  name: string;

  @ApiPropertyOptional({ description: '运单号提示正则（只提示，不拒收）waybill hint, a regular expression that only warns' })
  @IsOptional() @IsString() @Length(1, 200)
  waybillHint?: string;
}
