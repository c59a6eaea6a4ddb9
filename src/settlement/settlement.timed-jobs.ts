import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { businessDay } from '../common/business-day';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { SettlementService } from './settlement.service';

export const SETTLEMENT_TIMED_JOBS = { WEEKLY: 'settlement.weekly-run' } as const;

/** The weekly run per company (Monday 02:00, through Sunday). The run's unique period key makes a rerun a no-op. */
@Injectable()
export class SettlementTimedJobs implements OnModuleInit {
  constructor(private readonly registry: TimedJobsRegistry, private readonly settlement: SettlementService, private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.registry.register({
      name: SETTLEMENT_TIMED_JOBS.WEEKLY,
      cron: '0 2 * * 1',
      description: '每周结算（周一 02:00，截至周日）Weekly settlement run per company, through Sunday',
      run: async (slot) => {
        const throughDay = businessDay(new Date(slot.getTime() - 86400_000));
        const companies = await this.dataSource.query(`SELECT DISTINCT company_id FROM ledger_account WHERE owner_type = 'FARMER'`) as Array<{ company_id: string }>;
        const runs: string[] = [];
        for (const { company_id } of companies) {
          const { run } = await this.settlement.createRun(null, String(company_id), { throughDay, periodKey: `weekly-${throughDay}` });
          runs.push(run.id);
        }
        return { throughDay, runs };
      },
    });
  }
}
