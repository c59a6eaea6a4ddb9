import { Module } from '@nestjs/common';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { IntakeModule } from '../intake/intake.module';
import { OrganizationModule } from '../organization/organization.module';
import { InventoryService } from './inventory.service';
import { ProcessingService } from './processing.service';
import { SkusService } from './skus.service';
import { TraceRateLimitGuard } from './trace-rate-limit.guard';
import { TraceService } from './trace.service';
import { PublicTraceController, WarehouseController } from './warehouse.controller';
import { WarehouseTimedJobs } from './warehouse.timed-jobs';

/** SKUs, processing into lots, inventory and adjustments, FEFO, traceability (public and internal). */
@Module({
  imports: [OrganizationModule, IntakeModule, RateLimitModule],
  controllers: [WarehouseController, PublicTraceController],
  providers: [SkusService, ProcessingService, InventoryService, TraceService, TraceRateLimitGuard, WarehouseTimedJobs],
  exports: [InventoryService, TraceService],
})
export class WarehouseModule {}
