import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FarmersModule } from '../farmers/farmers.module';
import { IntakeModule } from '../intake/intake.module';
import { CommissionRulesService } from './commission-rules.service';
import { EarningsService } from './earnings.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { ReconciliationService } from './reconciliation.service';

/** The double-entry ledger, commission rules, postings from intake/warehouse events, reconciliation. */
@Module({
  imports: [FarmersModule, CatalogModule, IntakeModule],
  controllers: [LedgerController],
  providers: [LedgerService, CommissionRulesService, EarningsService, ReconciliationService],
  exports: [LedgerService, CommissionRulesService, ReconciliationService],
})
export class LedgerModule {}
