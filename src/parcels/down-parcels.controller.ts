import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { PARCEL_ACTORS } from './parcel-roles';
import { CarriersService } from './carriers.service';
import { DoorDeliveriesService } from './door-deliveries.service';
import { DownParcelsService } from './down-parcels.service';
import { ClearFlagDto } from './dto/clear-flag.dto';
import { CompleteDoorDeliveryDto } from './dto/complete-door-delivery.dto';
import { CreateCarrierDto } from './dto/create-carrier.dto';
import { ListDoorDeliveriesQueryDto } from './dto/list-door-deliveries-query.dto';
import { ListDownParcelsQueryDto } from './dto/list-down-parcels-query.dto';
import { ManifestQueryDto } from './dto/manifest-query.dto';
import { PickupByCodeDto } from './dto/pickup-by-code.dto';
import { PickupParcelDto } from './dto/pickup-parcel.dto';
import { RegisterArrivalDto } from './dto/register-arrival.dto';
import { RequestDoorDeliveryDto } from './dto/request-door-delivery.dto';
import { ReturnParcelDto } from './dto/return-parcel.dto';
import { SetPointCarrierDto } from './dto/set-point-carrier.dto';
import { UpdateParcelStationDto } from './dto/update-parcel-station.dto';
import { ParcelManifestsService } from './parcel-manifests.service';
import { ParcelStationsService } from './parcel-stations.service';


@ApiTags('carriers 承运商')
@ApiBearerAuth()
@Controller('carriers')
export class CarriersController {
  constructor(private readonly carriers: CarriersService) {}

  @Get()
  @ApiOperation({ summary: '承运商列表 List carriers' })
  list(@CurrentPrincipal() actor: Principal) {
    return this.carriers.list(actor);
  }

  @Post()
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新增承运商 Add a carrier' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateCarrierDto) {
    return this.carriers.create(actor, dto);
  }
}

@ApiTags('parcel station 快递站点')
@ApiBearerAuth()
@Controller('points/:pointId')
export class ParcelStationController {
  constructor(
    private readonly carriers: CarriersService,
    private readonly stations: ParcelStationsService,
    private readonly parcels: DownParcelsService,
    private readonly manifests: ParcelManifestsService,
    private readonly doorDeliveries: DoorDeliveriesService,
  ) {}

  @Get('carriers')
  @ApiOperation({ summary: '服务点承运商及启用状态 Carriers and whether each is active here' })
  carriersAtPoint(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string) {
    return this.carriers.list(actor, pointId);
  }

  @Put('carriers/:carrierId')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '在此服务点启用/停用承运商 Switch a carrier on or off here' })
  setCarrier(
    @CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string,
    @Param('carrierId', IdParamPipe) carrierId: string, @Body() dto: SetPointCarrierDto,
  ) {
    return this.carriers.setActiveAtPoint(actor, pointId, carrierId, dto.active);
  }

  @Get('parcel-station')
  @ApiOperation({ summary: '货架设置 Shelf layout' })
  station(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string) {
    return this.stations.get(actor, pointId);
  }

  @Put('parcel-station')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '修改货架设置 Change the shelf layout' })
  updateStation(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Body() dto: UpdateParcelStationDto) {
    return this.stations.update(actor, pointId, dto);
  }

  @Post('parcels')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '到件登记（扫码）Register an arriving parcel' })
  arrive(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Body() dto: RegisterArrivalDto) {
    return this.parcels.registerArrival(actor, pointId, dto);
  }

  @Post('parcels/manifest')
  @Roles(...PARCEL_ACTORS)
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: '批量到件清单导入 Import an arrival manifest (CSV: waybill,carrier,recipient_name,recipient_phone,weight_g)' })
  importManifest(
    @CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string,
    @Query() query: ManifestQueryDto, @Body() csv: unknown,
  ) {
    return this.manifests.import(actor, pointId, csv, query.mode);
  }

  @Get('parcels')
  @ApiOperation({ summary: '下行包裹列表 Down parcels at the point' })
  list(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: ListDownParcelsQueryDto) {
    return this.parcels.list(actor, pointId, query);
  }

  @Post('parcels/pickup')
  @HttpCode(200)
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '凭取件码取件 Pickup by code' })
  pickupByCode(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Body() dto: PickupByCodeDto) {
    return this.parcels.pickupByCode(actor, pointId, dto);
  }

  @Get('parcels/due-for-return')
  @ApiOperation({ summary: '超期应退回的包裹 Parcels due to go back to the carrier' })
  dueForReturn(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string) {
    return this.parcels.listDueForReturn(actor, pointId);
  }

  @Get('door-deliveries')
  @ApiOperation({ summary: '送件上门列表 Door deliveries' })
  doorDeliveriesAtPoint(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: ListDoorDeliveriesQueryDto) {
    return this.doorDeliveries.list(actor, pointId, query);
  }
}

@ApiTags('parcel station 快递站点')
@ApiBearerAuth()
@Controller('parcels')
export class DownParcelsController {
  constructor(private readonly parcels: DownParcelsService, private readonly doorDeliveries: DoorDeliveriesService) {}

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.parcels.get(actor, id);
  }

  @Post(':id/pickup')
  @HttpCode(200)
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '凭手机尾号确认取件（或代取）Pickup confirmed by phone tail, or by a proxy' })
  pickup(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: PickupParcelDto) {
    return this.parcels.pickupParcel(actor, id, dto);
  }

  @Post(':id/clear-flag')
  @HttpCode(200)
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '解除锁定 Clear a flag after wrong pickup attempts' })
  clearFlag(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: ClearFlagDto) {
    return this.parcels.clearFlag(actor, id, dto);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '退回承运商 Return to the carrier' })
  returnParcel(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: ReturnParcelDto) {
    return this.parcels.returnParcel(actor, id, dto);
  }

  @Post(':id/door-delivery')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '申请送件上门 Request door delivery' })
  requestDoorDelivery(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: RequestDoorDeliveryDto) {
    return this.doorDeliveries.request(actor, id, dto);
  }
}

@ApiTags('parcel station 快递站点')
@ApiBearerAuth()
@Controller('door-deliveries')
export class DoorDeliveriesController {
  constructor(private readonly doorDeliveries: DoorDeliveriesService) {}

  @Post(':id/deliver')
  @HttpCode(200)
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '已送达 Record the delivery at the door' })
  deliver(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CompleteDoorDeliveryDto) {
    return this.doorDeliveries.complete(actor, id, dto);
  }
}
