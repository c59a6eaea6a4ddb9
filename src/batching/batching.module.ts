import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { OrganizationModule } from '../organization/organization.module';
import { BatchAccess } from './batch-access';
import { BatchesService } from './batches.service';
import { BatchingController } from './batching.controller';
import { BatchingTimedJobs } from './batching.timed-jobs';
import { ManifestService } from './manifest.service';
import { ReceivingService } from './receiving.service';

/** Batches from the point to the warehouse: items, manifest, dispatch, receiving, transit losses, chargebacks. */
@Module({
  imports: [OrganizationModule, IntakeModule],
  controllers: [BatchingController],
  providers: [BatchAccess, BatchesService, ManifestService, ReceivingService, BatchingTimedJobs],
  exports: [BatchAccess, BatchesService, ReceivingService],
})
export class BatchingModule {}
