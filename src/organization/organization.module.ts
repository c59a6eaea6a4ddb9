import { Module } from '@nestjs/common';
import { CommercePointsService } from './commerce-points.service';
import { CommercePointsController, RegionsController, WarehousesController } from './organization.controller';
import { RegionsService } from './regions.service';
import { WarehousesService } from './warehouses.service';

/** Company, regions, commerce points, warehouses: the master data every other module scopes by. */
@Module({
  controllers: [RegionsController, CommercePointsController, WarehousesController],
  providers: [RegionsService, CommercePointsService, WarehousesService],
  exports: [CommercePointsService, WarehousesService, RegionsService],
})
export class OrganizationModule {}
