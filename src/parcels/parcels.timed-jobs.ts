import { Injectable, OnModuleInit } from '@nestjs/common';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { DownParcelsService } from './down-parcels.service';

export const PARCEL_TIMED_JOBS = { OVERDUE_REMINDERS: 'parcels.overdue-reminders' } as const;

/** The parcel station's timed work, run once per slot by the worker (see src/scheduling/). */
@Injectable()
export class ParcelsTimedJobs implements OnModuleInit {
  constructor(private readonly registry: TimedJobsRegistry, private readonly downParcels: DownParcelsService) {}

  onModuleInit(): void {
    this.registry.register({
      name: PARCEL_TIMED_JOBS.OVERDUE_REMINDERS,
      cron: '0 * * * *',
      description: '超期未取件提醒（每小时）Remind recipients of parcels waiting too long, hourly',
      run: async (slot) => ({ reminded: await this.downParcels.remindOverdue(slot) }),
    });
  }
}
