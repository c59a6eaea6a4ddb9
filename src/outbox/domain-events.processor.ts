import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { DomainEventJob, QUEUES } from '../queues/queue-names';
import { DomainEventHandlers } from './domain-event-handlers';

/** Worker only: hands each relayed event to the handlers registered for its type. */
@Processor(QUEUES.DOMAIN_EVENTS)
export class DomainEventsProcessor {
  private readonly logger = new Logger(DomainEventsProcessor.name);

  constructor(private readonly handlers: DomainEventHandlers) {}

  @Process({ concurrency: 256 })
  async handle(job: Job<DomainEventJob>): Promise<void> {
    const count = await this.handlers.dispatch(job.data);
    this.logger.log({ jobId: job.id, eventType: job.data.eventType, handlers: count }, 'domain event processed');
  }
}
