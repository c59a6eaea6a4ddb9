import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CatalogService } from '../catalog/catalog.service';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { businessDay, businessDayRange } from '../common/business-day';
import { InvalidFieldError, NotFoundError } from '../common/errors/domain-error';
import { IdParamPipe } from '../common/id-param.pipe';
import { PageQueryDto } from '../common/pagination';
import { LedgerService } from '../ledger/ledger.service';
import { PayoutsService } from '../payouts/payouts.service';
import { SettlementService } from '../settlement/settlement.service';
import { FarmerRef, FarmersService } from '../farmers/farmers.service';
import { ConsignmentQueriesService } from '../intake/consignment-queries.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DemandOrdersService } from '../order-farming/demand-orders.service';
import { DemandPledgesService } from '../order-farming/demand-pledges.service';
import { CreateMyPledgeDto, MyPledgesQueryDto } from '../order-farming/dto/order-farming.dto';
import { DownParcelsService } from '../parcels/down-parcels.service';
import { MeConsignmentsQueryDto, MeEarningsQueryDto } from './dto/farmer-auth.dto';

/** The farmer app: a farmer token sees only the farmer's own records (the id comes from the token, never the URL). */
@ApiTags('me 农户本人')
@ApiBearerAuth()
@Roles(Role.FARMER)
@Controller('me')
export class MeController {
  constructor(
    private readonly farmers: FarmersService,
    private readonly consignments: ConsignmentQueriesService,
    private readonly parcels: DownParcelsService,
    private readonly points: CommercePointsService,
    private readonly catalog: CatalogService,
    private readonly settlement: SettlementService,
    private readonly payouts: PayoutsService,
    private readonly ledger: LedgerService,
    private readonly pledges: DemandPledgesService,
    private readonly demandOrders: DemandOrdersService,
  ) {}

  private async me(principal: Principal): Promise<FarmerRef> {
    const f = await this.farmers.findRef(principal.id);
    if (!f) throw new NotFoundError('农户', 'Farmer', 'FARMER_NOT_FOUND');
    return f;
  }

  @Get()
  @ApiOperation({ summary: '我的资料 My profile' })
  async profile(@CurrentPrincipal() principal: Principal) {
    const f = await this.me(principal);
    const point = await this.points.findNotice(f.usualPointId);
    return {
      id: f.id, name: f.name, phone: f.phone, familyPhone: f.familyPhone, smsConsent: f.smsConsent,
      usualPoint: point ? { id: point.id, name: point.name, openingHours: point.openingHours, contactPhone: point.contactPhone } : null,
    };
  }

  @Get('consignments')
  @ApiOperation({ summary: '我的交售单（含质检结果）My consignments with QC results' })
  async myConsignments(@CurrentPrincipal() principal: Principal, @Query() query: MeConsignmentsQueryDto) {
    const f = await this.me(principal);
    return this.consignments.listForFarmer(f.companyId, f.id, { limit: Math.min(Number(query.limit ?? 20), 100) || 20, cursor: query.cursor });
  }

  @Get('parcels')
  @ApiOperation({ summary: '我的快递（含取件码）My parcels with pickup codes' })
  async myParcels(@CurrentPrincipal() principal: Principal) {
    const f = await this.me(principal);
    return { items: await this.parcels.listForFarmer(f, false) };
  }

  @Get('price-board')
  @ApiOperation({ summary: '收购价格牌 Farmer prices in force now at my point (company prices)' })
  async priceBoard(@CurrentPrincipal() principal: Principal) {
    const f = await this.me(principal);
    const point = await this.points.findNotice(f.usualPointId);
    const page = await this.catalog.list(principal, { active: true, limit: 200 });
    return {
      point: point ? { id: point.id, name: point.name } : null,
      items: page.items.map((p) => ({ productId: p.id, name: p.name, prices: p.currentPrices })),
    };
  }

  @Get('money')
  @ApiOperation({ summary: '我的钱：余额、待结算、结算中、支付中、已付、最近一笔打款 Balance, pending, in settlement, paying, paid, last payout (fen)' })
  async money(@CurrentPrincipal() principal: Principal) {
    const f = await this.me(principal);
    const [money, lastPayout] = await Promise.all([this.settlement.farmerMoney(principal, f.id), this.payouts.lastForFarmer(f.companyId, f.id)]);
    return { ...money, lastPayout };
  }

  @Get('statements')
  @ApiOperation({ summary: '我的结算单 My payout statements, newest first' })
  async statements(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    const f = await this.me(principal);
    return this.settlement.farmerStatements(principal, f.id, query);
  }

  @Get('statements/:id')
  @ApiOperation({ summary: '我的结算单明细 One of my statements with every item (404 for anyone else\'s)' })
  async statement(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string) {
    await this.me(principal);
    return this.settlement.getStatement(principal, id);
  }

  @Get('payouts')
  @ApiOperation({ summary: '我的打款记录 My payouts, newest first' })
  async myPayouts(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    const f = await this.me(principal);
    return this.payouts.listForFarmer(principal, f.id, query);
  }

  @Get('earnings')
  @ApiOperation({ summary: '我的收入（按天、按渠道）My earnings per Asia/Shanghai day and channel; from/to are days, to inclusive, at most 366 days (default: the last 30)' })
  async earnings(@CurrentPrincipal() principal: Principal, @Query() query: MeEarningsQueryDto) {
    const f = await this.me(principal);
    const to = query.to ?? businessDay(new Date());
    const from = query.from ?? businessDay(new Date(businessDayRange(to).start.getTime() - 29 * 86_400_000));
    const start = businessDayRange(from).start;
    const end = businessDayRange(to).end;
    if (end <= start || end.getTime() - start.getTime() > 366 * 86_400_000) {
      throw new InvalidFieldError('from', '日期范围须在 1 到 366 天之间', 'from..to must span 1 to 366 days');
    }
    const rows = await this.ledger.farmerEarnings(start, end, { companyId: f.companyId, farmerId: f.id });
    const days = new Map<string, { day: string; totalFen: number; channels: Array<{ channel: string | null; amountFen: number; entryCount: number }> }>();
    for (const r of rows) {
      const d = days.get(r.day) ?? { day: r.day, totalFen: 0, channels: [] };
      d.totalFen += r.amountFen;
      d.channels.push({ channel: r.channel, amountFen: r.amountFen, entryCount: r.entryCount });
      days.set(r.day, d);
    }
    return { from, to, totalFen: rows.reduce((sum, r) => sum + r.amountFen, 0), days: [...days.values()] };
  }

  @Get('demand-orders')
  @ApiOperation({ summary: '我常去的服务点可认购的需求订单 Open demand orders published at my usual point, with what is left' })
  async openOrders(@CurrentPrincipal() principal: Principal) {
    const f = await this.me(principal);
    return { items: await this.demandOrders.listOpenAtPoint(f.companyId, f.usualPointId) };
  }

  @Get('pledges')
  @ApiOperation({ summary: '我的订单农业认购（含订单信息、已交货、合格数量）My pledges to demand orders with delivered and accepted quantities' })
  async myPledges(@CurrentPrincipal() principal: Principal, @Query() query: MyPledgesQueryDto) {
    const f = await this.me(principal);
    return this.pledges.listForFarmer(f.companyId, f.id, query);
  }

  @Post('pledges')
  @ApiOperation({ summary: '认购需求订单（默认在常去的服务点；同一 clientId 重发返回 200）Pledge to a demand order published at my point' })
  async pledge(@CurrentPrincipal() principal: Principal, @Body() dto: CreateMyPledgeDto, @Res({ passthrough: true }) res: Response) {
    const { created, pledge } = await this.pledges.pledgeByFarmer(principal, dto);
    res.status(created ? 201 : 200);
    return pledge;
  }
}
