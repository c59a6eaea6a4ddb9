import { Injectable, OnModuleInit } from '@nestjs/common';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { UnsoldService } from './unsold.service';

export const SALES_TIMED_JOBS = { UNSOLD_GOODS: 'sales.unsold-goods' } as const;

/** The sales module's timed work, run once per slot by the worker (see src/scheduling/). */
@Injectable()
export class UnsoldTimedJobs implements OnModuleInit {
  constructor(private readonly registry: TimedJobsRegistry, private readonly unsold: UnsoldService) {}

  onModuleInit(): void {
    this.registry.register({
      name: SALES_TIMED_JOBS.UNSOLD_GOODS,
      cron: '30 2 * * *',
      description: '寄售期到期提醒与未售货品处理（每天 02:30）Consignment period-ending notices and the unsold-goods policy, daily',
      run: async (slot) => this.unsold.run(slot),
    });
  }
}
