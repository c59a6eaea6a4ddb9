import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { BatchingModule } from './batching/batching.module';
import { CatalogModule } from './catalog/catalog.module';
import { CoreModule } from './core.module';
import { ExportsModule } from './exports/exports.module';
import { FarmerAppModule } from './farmer-app/farmer-app.module';
import { FarmersModule } from './farmers/farmers.module';
import { HealthModule } from './health/health.module';
import { IntakeModule } from './intake/intake.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrderFarmingModule } from './order-farming/order-farming.module';
import { OrganizationModule } from './organization/organization.module';
import { LedgerModule } from './ledger/ledger.module';
import { ParcelsModule } from './parcels/parcels.module';
import { PayoutsModule } from './payouts/payouts.module';
import { QueueDashboardModule } from './queues/queue-dashboard.module';
import { ReportsModule } from './reports/reports.module';
import { SalesModule } from './sales/sales.module';
import { SettlementModule } from './settlement/settlement.module';
import { UsersModule } from './users/users.module';
import { WarehouseModule } from './warehouse/warehouse.module';

/**
 * Domain modules. The API serves their controllers; the worker imports them too so their event
 * handlers and timed jobs (registered at module init) exist where the queues are processed.
 */
export const FEATURE_MODULES = [
  AuthModule, OrganizationModule, UsersModule, FarmersModule, CatalogModule, IntakeModule, ParcelsModule,
  BatchingModule, WarehouseModule, LedgerModule, SalesModule, OrderFarmingModule, SettlementModule, PayoutsModule, NotificationsModule, FarmerAppModule,
  ReportsModule,
];

/** The HTTP API. Queue processors and the timed-job scheduler live in WorkerModule. */
@Module({
  imports: [
    CoreModule,
    // Before the list modules: its routes (`/consignments/export`) must be matched before their `/:id` routes.
    ExportsModule,
    HealthModule,
    QueueDashboardModule,
    ...FEATURE_MODULES,
  ],
})
export class AppModule {}
