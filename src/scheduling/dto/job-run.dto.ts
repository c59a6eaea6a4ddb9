import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { JobRunStatus } from '../job-run.entity';

export class ListJobRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z0-9.-]{1,64}$/)
  jobName?: string;

  @ApiPropertyOptional({ enum: JobRunStatus }) @IsOptional() @IsEnum(JobRunStatus)
  status?: JobRunStatus;
}

export class RunTimedJobDto {
  @ApiPropertyOptional({ description: '时间槽（默认当前分钟）slot time, default now', example: '2026-11-23T16:00:00Z' })
  @IsOptional() @IsISO8601()
  slot?: string;
}

export class JobRunDto {
  @ApiProperty() id: string;
  @ApiProperty() jobName: string;
  @ApiProperty() slot: string;
  @ApiProperty({ enum: JobRunStatus }) status: JobRunStatus;
  @ApiProperty() attempts: number;
  @ApiProperty() startedAt: Date;
  @ApiProperty({ nullable: true }) finishedAt: Date | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) outcome: Record<string, unknown> | null;
  @ApiProperty({ nullable: true }) error: string | null;
}

export class TimedJobDto {
  @ApiProperty() name: string;
  @ApiProperty() cron: string;
  @ApiProperty() description: string;
}
