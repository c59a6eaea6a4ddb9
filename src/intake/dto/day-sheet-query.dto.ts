import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class DaySheetQueryDto {
  @ApiPropertyOptional({ example: '2026-11-23', description: '营业日（北京时间），默认今天 business day, default today' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/)
  day?: string;
}
