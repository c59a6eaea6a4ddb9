import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { CreateChannelDto, CreateRefundDto, CreateSaleDto, CreateShowDto, FarmerSalesQueryDto, ImportQueryDto, SalesReportQueryDto } from './dto/sales.dto';
import { RefundsService } from './refunds.service';
import { SalesQueriesService } from './sales-queries.service';
import { SalesService } from './sales.service';

const SELLERS = [Role.ADMIN, Role.WAREHOUSE_STAFF];

@ApiTags('sales 销售渠道、销售与分配')
@ApiBearerAuth()
@Controller()
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.WAREHOUSE_STAFF)
export class SalesController {
  constructor(private readonly sales: SalesService, private readonly refunds: RefundsService, private readonly queries: SalesQueriesService) {}

  @Post('sales-channels')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新建销售渠道（门店/线上平台/直播）Create a sales channel' })
  createChannel(@CurrentPrincipal() actor: Principal, @Body() dto: CreateChannelDto) {
    return this.sales.createChannel(actor, dto);
  }

  @Get('sales-channels')
  listChannels(@CurrentPrincipal() actor: Principal) {
    return this.sales.listChannels(actor);
  }

  @Post('sales-channels/:id/shows')
  @Roles(...SELLERS)
  @ApiOperation({ summary: '新建直播场次（主播、时间、主播佣金）Create a live-stream show' })
  createShow(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CreateShowDto) {
    return this.sales.createShow(actor, id, dto);
  }

  @Post('sales-channels/:id/sales')
  @Roles(...SELLERS)
  @ApiOperation({ summary: '记录销售（先到期先出或指定批号；按客户端 UUID / 平台订单号只记一次）Record a sale' })
  async createSale(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CreateSaleDto, @Res({ passthrough: true }) res: Response) {
    const { created, sale } = await this.sales.createSale(actor, id, dto);
    res.status(created ? 201 : 200);
    return sale;
  }

  @Post('sales-channels/:id/imports')
  @Roles(...SELLERS)
  @ApiOperation({ summary: '导入平台订单（CSV 或 JSON；默认全部或全不；mode=good_rows 导入其余行；重复导入不变）Import a platform order export' })
  importOrders(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() body: unknown, @Headers('content-type') contentType: string, @Query() query: ImportQueryDto) {
    return this.sales.importOrders(actor, id, body, contentType ?? '', query);
  }

  @Get('sales/:id')
  getSale(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.sales.getSale(actor, id);
  }

  @Post('sale-lines/:id/refunds')
  @Roles(...SELLERS)
  @ApiOperation({ summary: '退款/退货（按包数，精确冲回该部分的分配与记账；退回库存或报损）Refund packs of a sale line' })
  async refund(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CreateRefundDto, @Res({ passthrough: true }) res: Response) {
    const { created, refund } = await this.refunds.refund(actor, id, dto);
    res.status(created ? 201 : 200);
    return refund;
  }

  @Get('sales-reports')
  @ApiOperation({ summary: '按渠道 / SKU / 日汇总销售 Sales by channel, SKU or day' })
  report(@CurrentPrincipal() actor: Principal, @Query() query: SalesReportQueryDto) {
    return this.queries.report(actor, query);
  }

  @Get('sales-check')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '核对：每个销售行 收入 = 农户 + 佣金 + 主播佣金 + 公司毛利，且与记账一致 Money conservation check' })
  check(@CurrentPrincipal() actor: Principal) {
    return this.queries.check(actor);
  }

  @Get('farmers/:id/sales')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiOperation({ summary: '农户的货卖到哪里：时间、渠道、价格、收入 What of a farmer\'s sold' })
  farmerSales(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: FarmerSalesQueryDto) {
    return this.queries.farmerSales(actor, id, query);
  }

  @Get('lots/:id/sales')
  @ApiOperation({ summary: '批号的去向 Where a lot\'s units went' })
  lotSales(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.queries.lotSales(actor, id);
  }
}
