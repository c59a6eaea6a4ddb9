import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access/decorators';
import { Role } from '../common/access/role.enum';
import { JobRunDto, ListJobRunsQueryDto, RunTimedJobDto, TimedJobDto } from './dto/job-run.dto';
import { TimedJobsRegistry } from './timed-jobs.registry';
import { TimedJobsService } from './timed-jobs.service';

@ApiTags('admin 定时任务')
@ApiBearerAuth()
@Roles(Role.ADMIN)
@Controller('admin')
export class TimedJobsController {
  constructor(private readonly registry: TimedJobsRegistry, private readonly timedJobs: TimedJobsService) {}

  @Get('timed-jobs')
  @ApiOperation({ summary: '定时任务列表 Registered timed jobs' })
  list(): TimedJobDto[] {
    return this.registry.list().map(({ name, cron, description }) => ({ name, cron, description }));
  }

  @Get('job-runs')
  @ApiOperation({ summary: '定时任务运行记录 Runs of timed jobs' })
  runs(@Query() query: ListJobRunsQueryDto) {
    return this.timedJobs.listRuns(query);
  }

  @Post('timed-jobs/:name/run')
  @HttpCode(202)
  @ApiOperation({ summary: '手动运行一个时间槽（幂等）Enqueue a slot by hand; a slot already run is not run again' })
  async run(@Param('name') name: string, @Body() dto: RunTimedJobDto): Promise<{ slot: string }> {
    const slot = await this.timedJobs.enqueueSlot(name, dto.slot ? new Date(dto.slot) : new Date());
    return { slot };
  }
}

