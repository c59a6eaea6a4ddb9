import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { appConfig } from '../config/app.config';
import { TimedJobsRegistry } from './timed-jobs.registry';
import { TimedJobsService } from './timed-jobs.service';

/**
 * Worker only. Schedules every registered timed job with a cron (Asia/Shanghai) whose tick only
 * enqueues the slot's Bull job: every worker may tick, one job exists per slot, and the job_run
 * claim makes even a redelivered job run once.
 */
@Injectable()
export class TimedJobsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(TimedJobsScheduler.name);

  constructor(
    private readonly registry: TimedJobsRegistry,
    private readonly timedJobs: TimedJobsService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.app.timedJobsCron) {
      // Tests run their slots by hand (fire / enqueueSlot); a real tick at :00 or :30 would run, say,
      // the today roll-up over every test company in the middle of another test's event drain.
      this.logger.log('TIMED_JOBS_CRON=off: no cron ticks scheduled');
      return;
    }
    for (const job of this.registry.list()) {
      const cron = CronJob.from({
        cronTime: job.cron,
        timeZone: 'Asia/Shanghai',
        start: true,
        onTick: () => void this.fire(job.name, new Date()),
      });
      this.scheduler.addCronJob(job.name, cron);
      this.logger.log({ job: job.name, cron: job.cron }, 'timed job scheduled');
    }
  }

  /** One cron tick: enqueue the slot. A Redis outage is logged; the next tick or a manual run catches up. */
  async fire(name: string, at: Date): Promise<void> {
    try {
      await this.timedJobs.enqueueSlot(name, at);
    } catch (err) {
      this.logger.error({ job: name, err: (err as Error).message }, 'could not enqueue timed job');
    }
  }
}
