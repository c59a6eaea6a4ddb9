import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { CommercePointsService } from './commerce-points.service';
import {
  CreateCommercePointDto, ListCommercePointsQueryDto, UpdateCommercePointDto,
} from './dto/commerce-point.dto';
import { CreateRegionDto, ListRegionsQueryDto } from './dto/region.dto';
import { CreateWarehouseDto, ListWarehousesQueryDto, UpdateWarehouseDto } from './dto/warehouse.dto';
import { RegionsService } from './regions.service';
import { WarehousesService } from './warehouses.service';

@ApiTags('regions 行政区划')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Post()
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新增区划 Create a region' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateRegionDto) {
    return this.regions.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: '区划列表 List regions' })
  list(@Query() query: ListRegionsQueryDto) {
    return this.regions.list(query);
  }

  @Get(':id')
  get(@Param('id', IdParamPipe) id: string) {
    return this.regions.get(id);
  }
}

@ApiTags('points 商务服务点')
@ApiBearerAuth()
@Controller('points')
export class CommercePointsController {
  constructor(private readonly points: CommercePointsService) {}

  @Post()
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新增服务点 Create a commerce point' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateCommercePointDto) {
    return this.points.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: '服务点列表（按权限范围）List points in scope' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListCommercePointsQueryDto) {
    return this.points.list(actor, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.points.get(actor, id);
  }

  @Patch(':id')
  @Roles(Role.ADMIN)
  update(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: UpdateCommercePointDto) {
    return this.points.update(actor, id, dto);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '停用服务点 Deactivate' })
  deactivate(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.points.update(actor, id, { active: false });
  }
}

@ApiTags('warehouses 仓库')
@ApiBearerAuth()
@Controller('warehouses')
export class WarehousesController {
  constructor(private readonly warehouses: WarehousesService) {}

  @Post()
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新增仓库 Create a warehouse' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateWarehouseDto) {
    return this.warehouses.create(actor, dto);
  }

  @Get()
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListWarehousesQueryDto) {
    return this.warehouses.list(actor, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.warehouses.get(actor, id);
  }

  @Patch(':id')
  @Roles(Role.ADMIN)
  update(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: UpdateWarehouseDto) {
    return this.warehouses.update(actor, id, dto);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  deactivate(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.warehouses.update(actor, id, { active: false });
  }
}
