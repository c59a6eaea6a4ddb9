import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogService } from '../catalog/catalog.service';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { NotFoundError } from '../common/errors/domain-error';
import { FarmerRef, FarmersService } from '../farmers/farmers.service';
import { ConsignmentQueriesService } from '../intake/consignment-queries.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DownParcelsService } from '../parcels/down-parcels.service';
import { MeConsignmentsQueryDto } from './dto/farmer-auth.dto';

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
}
