import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { PayoutJob, QUEUES } from '../queues/queue-names';
import { PAYOUT_JOB, PayoutsService } from './payouts.service';

/** Worker only: one job per payout; Bull retries with exponential backoff (attempts set when enqueued). */
@Processor(QUEUES.PAYOUTS)
export class PayoutsProcessor {
  private readonly logger = new Logger(PayoutsProcessor.name);

  constructor(private readonly payouts: PayoutsService) {}

  @Process({ name: PAYOUT_JOB, concurrency: 4 })
  async handle(job: Job<PayoutJob>): Promise<void> {
    const status = await this.payouts.process(job.data.payoutId);
    this.logger.log({ jobId: job.id, payoutId: job.data.payoutId, status, attempt: job.attemptsMade + 1 }, 'payout processed');
  }
}
