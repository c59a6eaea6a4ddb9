import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { IdParamPipe } from '../common/id-param.pipe';
import { PARCEL_ACTORS } from './parcel-roles';
import { PageQueryDto } from '../common/pagination';
import { CancelHomePickupDto } from './dto/cancel-home-pickup.dto';
import { CreateHandoverDto } from './dto/create-handover.dto';
import { CreateHomePickupDto } from './dto/create-home-pickup.dto';
import { ListHomePickupsQueryDto } from './dto/list-home-pickups-query.dto';
import { ListUpParcelsQueryDto } from './dto/list-up-parcels-query.dto';
import { RegisterUpParcelDto } from './dto/register-up-parcel.dto';
import { UpParcelsService } from './up-parcels.service';


@ApiTags('parcel station 快递站点')
@ApiBearerAuth()
@Controller()
export class UpParcelsController {
  constructor(private readonly upParcels: UpParcelsService) {}

  @Post('points/:pointId/up-parcels')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '寄件登记（上行）Register an up parcel' })
  register(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Body() dto: RegisterUpParcelDto) {
    return this.upParcels.register(actor, pointId, dto);
  }

  @Get('points/:pointId/up-parcels')
  list(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: ListUpParcelsQueryDto) {
    return this.upParcels.list(actor, pointId, query);
  }

  @Post('points/:pointId/home-pickups')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '上门揽件请求 Request a courier at the villager\'s door' })
  requestHomePickup(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Body() dto: CreateHomePickupDto) {
    return this.upParcels.requestHomePickup(actor, pointId, dto);
  }

  @Get('points/:pointId/home-pickups')
  listHomePickups(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: ListHomePickupsQueryDto) {
    return this.upParcels.listHomePickups(actor, pointId, query);
  }

  @Post('home-pickups/:id/cancel')
  @HttpCode(200)
  @Roles(...PARCEL_ACTORS)
  cancelHomePickup(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CancelHomePickupDto) {
    return this.upParcels.cancelHomePickup(actor, id, dto);
  }

  @Post('points/:pointId/handovers')
  @Roles(...PARCEL_ACTORS)
  @ApiOperation({ summary: '上行件交接给快递员 Hand the day\'s up parcels to a courier' })
  handOver(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Body() dto: CreateHandoverDto) {
    return this.upParcels.handOver(actor, pointId, dto);
  }

  @Get('points/:pointId/handovers')
  listHandovers(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: PageQueryDto) {
    return this.upParcels.listHandovers(actor, pointId, query);
  }
}
