import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class PointCountsQueryDto {
  @ApiProperty({ example: '2026-11-01', description: '营业日（上海时间）起 first business day' })
  @Matches(DAY, { message: 'must be a day YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2026-11-30', description: '营业日止（含）last business day, inclusive' })
  @Matches(DAY, { message: 'must be a day YYYY-MM-DD' })
  to: string;
}
