import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FarmersModule } from '../farmers/farmers.module';
import { OrganizationModule } from '../organization/organization.module';
import { DemandOrdersService } from './demand-orders.service';
import { DemandPledgesService } from './demand-pledges.service';
import { OrderFarmingController } from './order-farming.controller';

/**
 * Order farming (订单农业): demand orders published to points, farmers' pledges, progress. Intake
 * imports this module to link consignment lines to pledges, so it must not import intake.
 */
@Module({
  imports: [OrganizationModule, FarmersModule, CatalogModule],
  controllers: [OrderFarmingController],
  providers: [DemandOrdersService, DemandPledgesService],
  exports: [DemandOrdersService, DemandPledgesService],
})
export class OrderFarmingModule {}
