import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FarmersModule } from '../farmers/farmers.module';
import { IntakeModule } from '../intake/intake.module';
import { OrganizationModule } from '../organization/organization.module';
import { ParcelsModule } from '../parcels/parcels.module';
import { PayoutsModule } from '../payouts/payouts.module';
import { SettlementModule } from '../settlement/settlement.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { StatementPrintService } from './statement-print.service';

/**
 * CSV / Excel exports of every list and the printable statement. API only (no event handlers or
 * timed jobs). Other modules (dashboards) use ExportsService to send their own tables.
 */
@Module({
  imports: [IntakeModule, SettlementModule, PayoutsModule, ParcelsModule, FarmersModule, OrganizationModule, CatalogModule],
  controllers: [ExportsController],
  providers: [ExportsService, StatementPrintService],
  exports: [ExportsService],
})
export class ExportsModule {}
