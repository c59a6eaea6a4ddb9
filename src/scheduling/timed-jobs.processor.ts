import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { QUEUES, TimedJobPayload } from '../queues/queue-names';
import { TimedJobsService } from './timed-jobs.service';

/** Worker only: runs one timed-job slot per Bull job. */
@Processor(QUEUES.TIMED_JOBS)
export class TimedJobsProcessor {
  private readonly logger = new Logger(TimedJobsProcessor.name);

  constructor(private readonly timedJobs: TimedJobsService) {}

  @Process({ concurrency: 2 })
  async handle(job: Job<TimedJobPayload>): Promise<void> {
    const result = await this.timedJobs.runSlot(job.data.jobName, job.data.slot);
    this.logger.log({ jobId: job.id, ...job.data, ...result }, 'timed job slot handled');
  }
}
