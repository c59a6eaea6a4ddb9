import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { FEATURE_MODULES } from './app.module';
import { CoreModule } from './core.module';
import { NotificationsProcessor } from './notifications/notifications.processor';
import { DomainEventsProcessor } from './outbox/domain-events.processor';
import { OutboxRelayRunner } from './outbox/outbox-relay.runner';
import { PayoutsProcessor } from './payouts/payouts.processor';
import { TimedJobsProcessor } from './scheduling/timed-jobs.processor';
import { TimedJobsScheduler } from './scheduling/timed-jobs.scheduler';

/**
 * The worker process: relays the outbox, runs queue processors and timed jobs, serves no HTTP.
 * Timed jobs are scheduled only here, and their cron only enqueues a Bull job whose id is the time
 * slot (plus a job_run claim in the database), so several workers still run each slot once.
 * Feature modules whose processors or timed jobs run here are imported here as well.
 */
@Module({
  imports: [CoreModule, ScheduleModule.forRoot(), ...FEATURE_MODULES],
  providers: [OutboxRelayRunner, DomainEventsProcessor, TimedJobsScheduler, TimedJobsProcessor, NotificationsProcessor, PayoutsProcessor],
})
export class WorkerModule {}
