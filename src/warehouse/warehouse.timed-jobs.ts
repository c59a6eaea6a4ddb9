import { Injectable, OnModuleInit } from '@nestjs/common';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { InventoryService } from './inventory.service';

export const WAREHOUSE_TIMED_JOBS = { BEST_BEFORE: 'warehouse.best-before' } as const;

/** The warehouse's timed work, run once per slot by the worker (see src/scheduling/). */
@Injectable()
export class WarehouseTimedJobs implements OnModuleInit {
  constructor(private readonly registry: TimedJobsRegistry, private readonly inventory: InventoryService) {}

  onModuleInit(): void {
    this.registry.register({
      name: WAREHOUSE_TIMED_JOBS.BEST_BEFORE,
      cron: '30 1 * * *',
      description: '临近保质期提醒与过期转出（每天 01:30）Near best-before alerts and expiry, daily',
      run: async (slot) => this.inventory.bestBeforeRun(slot),
    });
  }
}
