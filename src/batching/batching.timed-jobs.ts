import { Injectable, OnModuleInit } from '@nestjs/common';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { ReceivingService } from './receiving.service';

export const BATCHING_TIMED_JOBS = { STALE_BATCH_ALERTS: 'batching.stale-batch-alerts' } as const;

/** Batching's timed work, run once per slot by the worker (see src/scheduling/). */
@Injectable()
export class BatchingTimedJobs implements OnModuleInit {
  constructor(private readonly registry: TimedJobsRegistry, private readonly receiving: ReceivingService) {}

  onModuleInit(): void {
    this.registry.register({
      name: BATCHING_TIMED_JOBS.STALE_BATCH_ALERTS,
      cron: '5 * * * *',
      description: '发车后超时未收货的批次告警（每小时）Alert batches dispatched but not received in time, hourly',
      run: async (slot) => ({ alerted: await this.receiving.alertStale(slot) }),
    });
  }
}
