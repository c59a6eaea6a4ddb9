import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { QUEUES } from '../queues/queue-names';
import { TimedJobsController } from './timed-jobs.controller';
import { TimedJobsRegistry } from './timed-jobs.registry';
import { TimedJobsService } from './timed-jobs.service';

/**
 * Timed jobs that run once per slot across servers. Global: any module registers its jobs with
 * TimedJobsRegistry at init. The worker adds the cron scheduler and the processor.
 */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.TIMED_JOBS })],
  controllers: [TimedJobsController],
  providers: [TimedJobsRegistry, TimedJobsService],
  exports: [TimedJobsRegistry, TimedJobsService],
})
export class SchedulingModule {}
