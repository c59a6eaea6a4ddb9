import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FarmersModule } from '../farmers/farmers.module';
import { OrderFarmingModule } from '../order-farming/order-farming.module';
import { OrganizationModule } from '../organization/organization.module';
import { ConsignmentQueriesService } from './consignment-queries.service';
import { ConsignmentsService } from './consignments.service';
import { HandBacksService } from './hand-backs.service';
import { IntakeController } from './intake.controller';
import { LineBatchingService } from './line-batching.service';
import { QualityChecksService } from './quality-checks.service';

/** Consignment intake and quality checks at the commerce point. */
@Module({
  imports: [OrganizationModule, FarmersModule, CatalogModule, OrderFarmingModule],
  controllers: [IntakeController],
  providers: [ConsignmentsService, ConsignmentQueriesService, QualityChecksService, LineBatchingService, HandBacksService],
  exports: [ConsignmentsService, ConsignmentQueriesService, QualityChecksService, LineBatchingService],
})
export class IntakeModule {}
