import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CoreModule } from './core.module';
import { DomainEventsProcessor } from './outbox/domain-events.processor';
import { OutboxRelayRunner } from './outbox/outbox-relay.runner';

/**
 * The worker process: relays the outbox, runs queue processors and timed jobs, serves no HTTP.
 * Timed jobs (@Cron) only enqueue a Bull job whose id is the time slot, so running several
 * workers still runs each slot once.
 */
@Module({
  imports: [CoreModule, ScheduleModule.forRoot()],
  providers: [OutboxRelayRunner, DomainEventsProcessor],
})
export class WorkerModule {}
