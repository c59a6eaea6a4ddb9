import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { AdjustmentDto, CreateSkuDto, InventoryQueryDto, ProcessingDto } from './dto/warehouse-requests.dto';
import { InventoryService } from './inventory.service';
import { ProcessingService } from './processing.service';
import { SkusService } from './skus.service';
import { TraceRateLimitGuard } from './trace-rate-limit.guard';
import { TraceService } from './trace.service';

const WAREHOUSE_SIDE = [Role.ADMIN, Role.WAREHOUSE_STAFF];

@ApiTags('warehouse 分拣、库存与溯源')
@ApiBearerAuth()
@Controller()
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.WAREHOUSE_STAFF)
export class WarehouseController {
  constructor(
    private readonly skus: SkusService,
    private readonly processing: ProcessingService,
    private readonly inventory: InventoryService,
    private readonly trace: TraceService,
  ) {}

  @Post('skus')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新建 SKU（包装规格，内容单位须为商品基本单位）Create a SKU' })
  createSku(@CurrentPrincipal() actor: Principal, @Body() dto: CreateSkuDto) {
    return this.skus.create(actor, dto);
  }

  @Get('skus')
  listSkus(@CurrentPrincipal() actor: Principal) {
    return this.skus.list(actor);
  }

  @Post('warehouses/:id/processing')
  @Roles(...WAREHOUSE_SIDE)
  @ApiOperation({ summary: '分拣/包装/深加工：投入批次行，产出 SKU 批号（投入 = 产出 + 损耗）Process received goods into SKU lots' })
  async process(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: ProcessingDto, @Res({ passthrough: true }) res: Response) {
    const { created, processing } = await this.processing.process(actor, id, dto);
    res.status(created ? 201 : 200);
    return processing;
  }

  @Get('warehouses/:id/inventory')
  @ApiOperation({ summary: '库存（按批号，先到期先出顺序）Inventory per SKU lot, FEFO order' })
  inventoryOf(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: InventoryQueryDto) {
    return this.inventory.inventory(actor, id, query);
  }

  @Get('lots/:id')
  getLot(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.inventory.getLot(actor, id);
  }

  @Post('lots/:id/adjustments')
  @Roles(...WAREHOUSE_SIDE)
  @ApiOperation({ summary: '库存调整（盘点更正、破损），须填原因 Stock adjustment with a reason' })
  async adjust(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: AdjustmentDto, @Res({ passthrough: true }) res: Response) {
    const { created, lot } = await this.inventory.adjust(actor, id, dto);
    res.status(created ? 201 : 200);
    return lot;
  }

  @Get('lots/:id/trace')
  @ApiOperation({ summary: '批号追溯到每个交售行与农户 Trace a lot back to every line and farmer' })
  lotTrace(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.trace.lotTrace(actor, id);
  }

  @Get('consignments/:id/trace')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiOperation({ summary: '交售单正向追踪：进入了哪些批次、批号与销售，未售处理 Trace a consignment forward to batches, lots, sales and unsold actions' })
  consignmentTrace(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.trace.consignmentTrace(actor, id);
  }
}

@ApiTags('trace 公开溯源')
@Controller('trace')
export class PublicTraceController {
  constructor(private readonly trace: TraceService) {}

  @Get(':code')
  @Public()
  @UseGuards(TraceRateLimitGuard)
  @ApiOperation({ summary: '公开溯源（无需登录，按 IP 限流；农户姓名脱敏）Public trace of a lot by its code' })
  publicTrace(@Param('code') code: string) {
    return this.trace.publicTrace(code);
  }
}
