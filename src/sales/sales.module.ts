import { Module } from '@nestjs/common';
import { FarmersModule } from '../farmers/farmers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { AllocationService } from './allocation.service';
import { RefundsService } from './refunds.service';
import { SalesQueriesService } from './sales-queries.service';
import { SalesController } from './sales.controller';
import { SalesService } from './sales.service';
import { UnsoldService } from './unsold.service';
import { UnsoldTimedJobs } from './unsold.timed-jobs';

/** Sales channels, live-stream shows, sales with FEFO draws, allocation to farmers, refunds, platform imports, queries, the unsold-goods job. */
@Module({
  imports: [WarehouseModule, LedgerModule, FarmersModule],
  controllers: [SalesController],
  providers: [SalesService, AllocationService, RefundsService, SalesQueriesService, UnsoldService, UnsoldTimedJobs],
  exports: [SalesService, SalesQueriesService, UnsoldService],
})
export class SalesModule {}
