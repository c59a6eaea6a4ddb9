import { Module } from '@nestjs/common';
import { FarmersModule } from '../farmers/farmers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { AllocationService } from './allocation.service';
import { RefundsService } from './refunds.service';
import { SalesQueriesService } from './sales-queries.service';
import { SalesController } from './sales.controller';
import { SalesService } from './sales.service';

/** Sales channels, live-stream shows, sales with FEFO draws, allocation to farmers, refunds, platform imports, queries. */
@Module({
  imports: [WarehouseModule, LedgerModule, FarmersModule],
  controllers: [SalesController],
  providers: [SalesService, AllocationService, RefundsService, SalesQueriesService],
  exports: [SalesService, SalesQueriesService],
})
export class SalesModule {}
