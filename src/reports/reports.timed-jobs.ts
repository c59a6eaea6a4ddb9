import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { businessDay } from '../common/business-day';
import { reportsConfig } from '../config/reports.config';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { addDays } from './report-days';
import { RollupsService } from './rollups.service';

export const REPORTS_TIMED_JOBS = { NIGHTLY_ROLLUP: 'reports.nightly-rollup', TODAY_ROLLUP: 'reports.today-rollup' } as const;

/** The roll-up job: nightly for the last days, and every half hour for today (fresh dashboards). */
@Injectable()
export class ReportsTimedJobs implements OnModuleInit {
  constructor(
    private readonly registry: TimedJobsRegistry,
    private readonly rollups: RollupsService,
    @Inject(reportsConfig.KEY) private readonly config: ConfigType<typeof reportsConfig>,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: REPORTS_TIMED_JOBS.NIGHTLY_ROLLUP,
      cron: '30 0 * * *',
      description: '报表日汇总：重算昨天及之前几天（每天 00:30）Recompute the report roll-ups of yesterday and the days before it, daily at 00:30',
      run: async (slot) => {
        const yesterday = addDays(businessDay(slot), -1);
        return this.runAll(addDays(yesterday, -(this.config.rollupLookbackDays - 1)), yesterday);
      },
    });
    this.registry.register({
      name: REPORTS_TIMED_JOBS.TODAY_ROLLUP,
      cron: '*/30 * * * *',
      description: '报表日汇总：重算今天（每半小时）Recompute today\'s report roll-ups, every 30 minutes',
      run: async (slot) => this.runAll(businessDay(slot), businessDay(slot)),
    });
  }

  private async runAll(from: string, to: string): Promise<Record<string, unknown>> {
    const companies = await this.rollups.companiesToRollUp();
    for (const companyId of companies) await this.rollups.rebuildRange(companyId, from, to);
    return { companies: companies.length, from, to };
  }
}
