import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { PointCountsQueryDto } from './point-counts-query.dto';

export enum ReportPeriod {
  DAY = 'day',
  MONTH = 'month',
  YEAR = 'year',
}

export class RegionCountsQueryDto extends PointCountsQueryDto {
  @ApiPropertyOptional({ enum: ReportPeriod, default: ReportPeriod.MONTH })
  @IsOptional() @IsEnum(ReportPeriod)
  period?: ReportPeriod;
}
