import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { DemandOrdersService } from './demand-orders.service';
import { DemandPledgesService } from './demand-pledges.service';
import {
  CancelPledgeDto, CloseDemandOrderDto, CreateDemandOrderDto, CreatePledgeDto, DemandOrderProgressView, DemandOrderView, ListDemandOrdersQueryDto,
  ListPledgesQueryDto, PledgeView,
} from './dto/order-farming.dto';

@ApiTags('order-farming 订单农业')
@ApiBearerAuth()
@Controller()
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
export class OrderFarmingController {
  constructor(private readonly orders: DemandOrdersService, private readonly pledges: DemandPledgesService) {}

  @Post('demand-orders')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新建并发布需求订单（201 新建；同一 clientId 重发返回 200 原单）Create and publish a demand order to points' })
  async create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateDemandOrderDto, @Res({ passthrough: true }) res: Response): Promise<DemandOrderView> {
    const { created, order } = await this.orders.create(actor, dto);
    res.status(created ? 201 : 200);
    return order;
  }

  @Get('demand-orders')
  @ApiOperation({ summary: '需求订单列表（代办员：发布到本服务点的；区域经理：本区域的）List demand orders in scope' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListDemandOrdersQueryDto) {
    return this.orders.list(actor, query);
  }

  @Get('demand-orders/:id')
  @ApiOperation({ summary: '需求订单 A demand order' })
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<DemandOrderView> {
    return this.orders.get(actor, id);
  }

  @Post('demand-orders/:id/close')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '关闭需求订单（须填原因，不再接受认购）Close a demand order' })
  close(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CloseDemandOrderDto): Promise<DemandOrderView> {
    return this.orders.close(actor, id, dto);
  }

  @Get('demand-orders/:id/progress')
  @ApiOperation({ summary: '进度：按服务点、按农户的认购 / 交货 / 合格数量 Pledged, delivered and accepted per point and farmer' })
  progress(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<DemandOrderProgressView> {
    return this.orders.progress(actor, id);
  }

  @Post('demand-orders/:id/pledges')
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '为农户认购（不超过剩余数量；同一 clientId 重发返回 200）Pledge a quantity for a farmer' })
  async pledge(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CreatePledgeDto, @Res({ passthrough: true }) res: Response): Promise<PledgeView> {
    const { created, pledge } = await this.pledges.pledgeByStaff(actor, id, dto);
    res.status(created ? 201 : 200);
    return pledge;
  }

  @Get('demand-pledges')
  @ApiOperation({ summary: '认购列表（订单、服务点、农户、状态）List pledges in scope' })
  listPledges(@CurrentPrincipal() actor: Principal, @Query() query: ListPledgesQueryDto) {
    return this.pledges.list(actor, query);
  }

  @Post('demand-pledges/:id/cancel')
  @HttpCode(200)
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '取消认购（须填原因，释放数量；已有交货的不能取消）Cancel a pledge' })
  cancel(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CancelPledgeDto): Promise<PledgeView> {
    return this.pledges.cancel(actor, id, dto);
  }
}
