import { Module } from '@nestjs/common';
import { FarmersModule } from '../farmers/farmers.module';
import { FarmersService } from '../farmers/farmers.service';
import { OrganizationModule } from '../organization/organization.module';
import { CarriersService } from './carriers.service';
import { DoorDeliveriesService } from './door-deliveries.service';
import { CarriersController, DoorDeliveriesController, DownParcelsController, ParcelStationController } from './down-parcels.controller';
import { DownParcelsService } from './down-parcels.service';
import { FARMER_PHONE_LOOKUP } from './farmer-phone-lookup';
import { ParcelCountsController } from './parcel-counts.controller';
import { ParcelCountsService } from './parcel-counts.service';
import { ParcelManifestsService } from './parcel-manifests.service';
import { ParcelStationsService } from './parcel-stations.service';
import { ParcelsTimedJobs } from './parcels.timed-jobs';
import { UpParcelsController } from './up-parcels.controller';
import { UpParcelsService } from './up-parcels.service';

/**
 * The parcel station (快递进村) at each commerce point: carriers, down parcels with pickup codes,
 * up parcels and hand-overs, and the daily / regional counts reported to the county.
 */
@Module({
  imports: [OrganizationModule, FarmersModule],
  controllers: [CarriersController, ParcelStationController, DownParcelsController, DoorDeliveriesController, UpParcelsController, ParcelCountsController],
  providers: [
    CarriersService, ParcelStationsService, ParcelCountsService, DownParcelsService, ParcelManifestsService, DoorDeliveriesService, UpParcelsService,
    ParcelsTimedJobs,
    // Recipients and senders are linked to registered farmers by phone.
    { provide: FARMER_PHONE_LOOKUP, useExisting: FarmersService },
  ],
  exports: [DownParcelsService, UpParcelsService, ParcelCountsService, CarriersService],
})
export class ParcelsModule {}
