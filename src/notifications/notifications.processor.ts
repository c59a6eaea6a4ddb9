import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { MicroBatcher } from '../common/micro-batcher';
import { QUEUES, SmsJobPayload } from '../queues/queue-names';
import { SmsStatus } from './sms-message.entity';
import { SmsService } from './sms.service';

/**
 * Worker only: sends one SMS message per job (retries with exponential backoff, then DEAD). Jobs
 * running at about the same time are sent as one batch (SmsService.sendMany); each job still
 * succeeds or fails on its own message.
 */
@Processor(QUEUES.SMS)
export class NotificationsProcessor {
  private readonly logger = new Logger(NotificationsProcessor.name);
  private readonly batcher: MicroBatcher<{ messageId: string; attempt: { made: number; max: number } }, SmsStatus>;

  constructor(private readonly sms: SmsService) {
    this.batcher = new MicroBatcher((items) => this.sms.sendMany(items));
  }

  @Process({ concurrency: 128 })
  async handle(job: Job<SmsJobPayload>): Promise<void> {
    const status = await this.batcher.add({ messageId: job.data.messageId, attempt: { made: job.attemptsMade, max: job.opts.attempts ?? 1 } });
    this.logger.debug({ jobId: job.id, messageId: job.data.messageId, status }, 'sms job done');
  }
}
