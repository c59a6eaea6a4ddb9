import { Module } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module';
import { DashboardsController } from './dashboards.controller';
import { DashboardsService } from './dashboards.service';
import { ReportsTimedJobs } from './reports.timed-jobs';
import { RollupsService } from './rollups.service';

/**
 * Dashboards over daily roll-ups (rpt_* tables) kept by an idempotent job; the parcel figures read
 * the parcel station's own counters. DashboardsService (with DASHBOARD_COLUMNS) is what exports use.
 */
@Module({
  imports: [ExportsModule],
  controllers: [DashboardsController],
  providers: [DashboardsService, RollupsService, ReportsTimedJobs],
  exports: [DashboardsService, RollupsService],
})
export class ReportsModule {}
