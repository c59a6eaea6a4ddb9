import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { replicaQuery } from '../database/read-replica';
import { FarmersService } from '../farmers/farmers.service';
import { InventoryService } from '../warehouse/inventory.service';
import { COMPANY_STOCK_LINE } from './allocation.service';
import { FarmerSalesQueryDto, SalesReportQueryDto } from './dto/sales.dto';

const num = (v: unknown) => Number(v ?? 0);

/** Sales by channel / SKU / day, a farmer's sold goods, a lot's sales, and the money conservation check. */
@Injectable()
export class SalesQueriesService {
  constructor(private readonly dataSource: DataSource, private readonly farmers: FarmersService, private readonly inventory: InventoryService) {}

  /** A report: read from a replica when one is configured (read-replica.ts). */
  async report(actor: Principal, q: SalesReportQueryDto) {
    const key = { channel: 'sl.channel_kind, s.channel_id', sku: 'sl.sku_id', day: "DATE(CONVERT_TZ(sl.sold_at, '+00:00', '+08:00'))" }[q.groupBy ?? 'channel'];
    const rows = await replicaQuery(this.dataSource,
      `SELECT ${key === 'sl.sku_id' ? 'sl.sku_id AS sku_id' : key.includes('DATE') ? `${key} AS day` : 'sl.channel_kind AS channel_kind, s.channel_id AS channel_id'},
              COUNT(*) AS line_count, SUM(sl.packs) AS packs, SUM(sl.refunded_packs) AS refunded_packs, SUM(sl.revenue_fen) AS revenue_fen,
              SUM(sl.farmer_fen) AS farmer_fen, SUM(sl.commission_fen) AS commission_fen, SUM(sl.host_commission_fen) AS host_commission_fen, SUM(sl.margin_fen) AS margin_fen
       FROM sale_line sl JOIN sale s ON s.id = sl.sale_id
       WHERE sl.company_id = ? AND sl.sold_at >= ? AND sl.sold_at < ? GROUP BY ${key} ORDER BY ${key}`,
      [actor.companyId, q.from ? new Date(`${q.from}T00:00:00+08:00`) : new Date(0), q.to ? new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000) : new Date('9999-01-01')],
    );
    return rows.map((r) => ({
      ...(r.sku_id !== undefined ? { skuId: String(r.sku_id) } : {}), ...(r.day !== undefined ? { day: r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10) } : {}),
      ...(r.channel_id !== undefined ? { channelId: String(r.channel_id), channelKind: r.channel_kind } : {}),
      lineCount: num(r.line_count), packs: num(r.packs), refundedPacks: num(r.refunded_packs), revenueFen: num(r.revenue_fen), farmerFen: num(r.farmer_fen),
      commissionFen: num(r.commission_fen), hostCommissionFen: num(r.host_commission_fen), marginFen: num(r.margin_fen),
    }));
  }

  /** What of a farmer's goods sold: when, through which channel, at what price, and what it earned (newest first). */
  async farmerSales(actor: Principal, farmerId: string, q: FarmerSalesQueryDto) {
    await this.farmers.get(actor, farmerId); // 404 outside scope
    const limit = q.limit ?? 50;
    const rows = await this.dataSource.query(
      `SELECT a.id, a.consignment_line_id, a.quantity_base, a.refunded_base, a.revenue_fen, a.farmer_amount_fen, a.settlement_mode,
              sl.sold_at, sl.channel_kind, sl.unit_price_fen, sl.sku_id, sl.lot_id, s.channel_id, ch.name AS channel_name, sk.name AS sku_name
       FROM sale_allocation a JOIN sale_line sl ON sl.id = a.sale_line_id JOIN sale s ON s.id = sl.sale_id JOIN sales_channel ch ON ch.id = s.channel_id JOIN sku sk ON sk.id = sl.sku_id
       WHERE a.farmer_id = ? ${q.cursor ? 'AND a.id < ?' : ''} ORDER BY a.id DESC LIMIT ?`,
      q.cursor ? [farmerId, q.cursor, limit + 1] : [farmerId, limit + 1],
    ) as Array<Record<string, unknown>>;
    const items = rows.slice(0, limit).map((r) => ({
      allocationId: String(r.id), consignmentLineId: String(r.consignment_line_id), soldAt: r.sold_at, channelKind: r.channel_kind, channelId: String(r.channel_id),
      channelName: r.channel_name, skuId: String(r.sku_id), skuName: r.sku_name, lotId: String(r.lot_id), unitPriceFen: num(r.unit_price_fen),
      quantityBase: num(r.quantity_base), refundedBase: num(r.refunded_base), revenueFen: num(r.revenue_fen), earnedFen: num(r.farmer_amount_fen), settlementMode: r.settlement_mode,
    }));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].allocationId : null };
  }

  /** Where a lot's units went: its sale lines with channel and refunds, and the allocation state per consignment line. */
  async lotSales(actor: Principal, lotId: string) {
    await this.inventory.requireVisibleLot(actor, lotId);
    const [lines, state] = await Promise.all([
      this.dataSource.query(
        `SELECT sl.id, sl.sale_id, sl.packs, sl.refunded_packs, sl.units_base, sl.company_base, sl.unit_price_fen, sl.revenue_fen, sl.sold_at, sl.channel_kind, s.channel_id, s.external_order_id
         FROM sale_line sl JOIN sale s ON s.id = sl.sale_id WHERE sl.lot_id = ? ORDER BY sl.id LIMIT 5000`, [lotId]),
      this.dataSource.query('SELECT consignment_line_id, farmer_id, contributed_base, allocated_base FROM lot_allocation WHERE lot_id = ? ORDER BY consignment_line_id', [lotId]),
    ]) as [Array<Record<string, unknown>>, Array<Record<string, unknown>>];
    const stock = state.find((r) => String(r.consignment_line_id) === COMPANY_STOCK_LINE);
    return {
      lotId,
      saleLines: lines.map((r) => ({
        saleLineId: String(r.id), saleId: String(r.sale_id), channelId: String(r.channel_id), channelKind: r.channel_kind, externalOrderId: r.external_order_id,
        packs: num(r.packs), refundedPacks: num(r.refunded_packs), unitsBase: num(r.units_base), companyStockBase: num(r.company_base), unitPriceFen: num(r.unit_price_fen), revenueFen: num(r.revenue_fen), soldAt: r.sold_at,
      })),
      // unsold goods converted to company stock: units taken over, and how many of them sold since
      companyStock: { convertedBase: num(stock?.contributed_base), soldBase: num(stock?.allocated_base) },
      contributors: state.filter((r) => r !== stock).map((r) => ({ consignmentLineId: String(r.consignment_line_id), farmerId: String(r.farmer_id), contributedBase: num(r.contributed_base), allocatedBase: num(r.allocated_base) })),
    };
  }

  /** Forward trace: the sale lines fed by some consignment lines, with the units and money allocated to each. */
  async salesOfConsignmentLines(lineIds: string[]) {
    if (lineIds.length === 0) return [];
    const rows = await this.dataSource.query(
      `SELECT a.id, a.consignment_line_id, a.quantity_base, a.refunded_base, a.farmer_amount_fen, sl.id AS sale_line_id, sl.sale_id, sl.lot_id, sl.channel_kind, sl.sold_at, sl.unit_price_fen
       FROM sale_allocation a JOIN sale_line sl ON sl.id = a.sale_line_id WHERE a.consignment_line_id IN (?) ORDER BY a.id LIMIT 5000`, [lineIds],
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      allocationId: String(r.id), consignmentLineId: String(r.consignment_line_id), saleLineId: String(r.sale_line_id), saleId: String(r.sale_id), lotId: String(r.lot_id),
      channelKind: r.channel_kind, soldAt: r.sold_at, unitPriceFen: num(r.unit_price_fen), quantityBase: num(r.quantity_base), refundedBase: num(r.refunded_base), earnedFen: num(r.farmer_amount_fen),
    }));
  }

  /**
   * Money conservation, per sale line: revenue = farmer + commission + host commission + margin on
   * the stored breakdown, the breakdown equals the sum of its allocations, and the line's postings
   * leave nothing on the clearing account. Returns the lines that break any of these (none, normally).
   */
  async check(actor: Principal) {
    const broken = await this.dataSource.query(
      `SELECT sl.id, sl.revenue_fen, sl.farmer_fen, sl.commission_fen, sl.host_commission_fen, sl.margin_fen,
              (SELECT COALESCE(SUM(a.farmer_amount_fen), 0) FROM sale_allocation a WHERE a.sale_line_id = sl.id) AS alloc_farmer,
              (SELECT COALESCE(SUM(a.agent_commission_fen + a.collective_share_fen), 0) FROM sale_allocation a WHERE a.sale_line_id = sl.id) AS alloc_commission,
              (SELECT COALESCE(SUM(a.quantity_base), 0) FROM sale_allocation a WHERE a.sale_line_id = sl.id) AS alloc_units, sl.units_base, sl.company_base
       FROM sale_line sl WHERE sl.company_id = ?
       HAVING revenue_fen <> farmer_fen + commission_fen + host_commission_fen + margin_fen OR alloc_farmer <> farmer_fen OR alloc_commission <> commission_fen OR alloc_units + company_base <> units_base
       LIMIT 100`, [actor.companyId],
    ) as Array<Record<string, unknown>>;
    const [totals] = await this.dataSource.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(revenue_fen), 0) AS revenue, COALESCE(SUM(farmer_fen), 0) AS farmer, COALESCE(SUM(commission_fen), 0) AS commission,
              COALESCE(SUM(host_commission_fen), 0) AS host, COALESCE(SUM(margin_fen), 0) AS margin FROM sale_line WHERE company_id = ?`, [actor.companyId],
    ) as Array<Record<string, unknown>>;
    const [clearing] = await this.dataSource.query(
      "SELECT COALESCE(SUM(balance_fen), 0) AS b FROM ledger_account WHERE company_id = ? AND owner_type = 'COMPANY' AND account_type = 'SALES_CLEARING'", [actor.companyId],
    ) as Array<{ b: unknown }>;
    return {
      ok: broken.length === 0 && num(clearing.b) === 0,
      saleLines: num(totals.n), revenueFen: num(totals.revenue), farmerFen: num(totals.farmer), commissionFen: num(totals.commission),
      hostCommissionFen: num(totals.host), marginFen: num(totals.margin), clearingBalanceFen: num(clearing.b),
      brokenLines: broken.map((r) => String(r.id)),
    };
  }
}
