import { Module } from '@nestjs/common';
import { FarmersModule } from '../farmers/farmers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { SettlementController } from './settlement.controller';
import { SettlementService } from './settlement.service';
import { SettlementTimedJobs } from './settlement.timed-jobs';

/** Settlement runs, payout statements (items = ledger entries), approval and the farmer money views. */
@Module({
  imports: [LedgerModule, FarmersModule],
  controllers: [SettlementController],
  providers: [SettlementService, SettlementTimedJobs],
  exports: [SettlementService],
})
export class SettlementModule {}
