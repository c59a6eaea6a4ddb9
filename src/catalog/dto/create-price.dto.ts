import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class CreatePriceDto {
  @ApiProperty({ example: 'A' }) @Matches(/^[A-Z0-9_]{1,16}$/)
  gradeCode: string;

  @ApiProperty({ example: '枚', description: '价格所对应的展示单位 display unit the price is per' })
  @IsString() @Length(1, 8)
  unitName: string;

  @ApiProperty({ example: 200, description: '农户收购价（分/展示单位）farmer price, fen per display unit' })
  @IsInt() @Min(0) @Max(100_000_000)
  priceFen: number;

  @ApiProperty({ example: '2026-11-01T00:00:00+08:00' }) @IsISO8601({ strict: true })
  effectiveFrom: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00+08:00' }) @IsOptional() @IsISO8601({ strict: true })
  effectiveTo?: string;
}
