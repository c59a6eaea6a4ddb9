import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { QUEUES, SmsJobPayload } from '../queues/queue-names';
import { SmsService } from './sms.service';

/** Worker only: sends one SMS message per job (retries with exponential backoff, then DEAD). */
@Processor(QUEUES.SMS)
export class NotificationsProcessor {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(private readonly sms: SmsService) {}

  @Process({ concurrency: 16 })
  async handle(job: Job<SmsJobPayload>): Promise<void> {
    const status = await this.sms.send(job.data.messageId, { made: job.attemptsMade, max: job.opts.attempts ?? 1 });
    this.logger.debug({ jobId: job.id, messageId: job.data.messageId, status }, 'sms job done');
  }
}
