import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { LOSS_CAUSE_ZH, LossCause } from '../batching/batch-status';
import { canSeePoint } from '../common/access/scope';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { InvalidFieldError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { reportsConfig } from '../config/reports.config';
import { aggregateToNumber } from '../database/transformers/bigint.transformer';
import { REJECT_REASON_ZH, RejectReason } from '../intake/intake-status';
import {
  DASHBOARD_COLUMNS, DASHBOARD_TITLES, DashboardColumn, DashboardName, DashboardRow,
} from './dashboard-columns';
import { DashboardQueryDto, DashboardScope } from './dto/dashboard-query.dto';
import { dayIndexInYear, daysBetween, isValidDay, monthStart, rangePlan } from './report-days';
import { BITMAP_WORDS } from './rollups.service';

/** What a dashboard is computed for: a point, a region (with everything under it) or the company. */
export type ResolvedScope = {
  scope: DashboardScope;
  companyId: string;
  /** roll-up node: P point, R region, C company */
  nodeKind: 'P' | 'R' | 'C';
  nodeId: string;
  name: string;
  /** materialized region path for point and region scopes ('/1/2/'), null for the company */
  regionPath: string | null;
};

/**
 * Longest range an export of a dashboard answers. A live query is held to REPORTS_MAX_RANGE_DAYS and
 * told to export longer periods; the export reads the same month and day roll-ups, so ten years cost
 * about 120 month rows per place and dimension.
 */
export const EXPORT_MAX_RANGE_DAYS = 3660;

export type DashboardResult = {
  dashboard: DashboardName;
  title: string;
  scope: { scope: DashboardScope; id: string; name: string };
  from: string;
  to: string;
  columns: readonly DashboardColumn[];
  rows: DashboardRow[];
};

type Sql = { sql: string; params: unknown[] };
type Raw = Record<string, unknown>;

const CHANNEL_ZH: Record<string, string> = { STORE: '门店', ONLINE: '线上平台', LIVESTREAM: '直播' };
const BENEFICIARY_ZH: Record<string, string> = { AGENT: '代办员', VILLAGE_COLLECTIVE: '村集体' };
const n = aggregateToNumber;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const basisPoints = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10_000) / whole) : null);

/**
 * The dashboards. Every figure comes from the roll-up tables (rpt_*, kept by RollupsService) or,
 * for the "now" figures (batches in transit, stock), from small current tables through indexes,
 * and the parcel figures from the parcel station's own exact counters. A range is read as whole
 * months plus edge days, at the one roll-up node of the scope, so the cost follows the number of
 * days and places shown, not the rows beneath them. Each method returns flat rows whose columns
 * are `DASHBOARD_COLUMNS[name]`.
 */
@Injectable()
export class DashboardsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(reportsConfig.KEY) private readonly config: ConfigType<typeof reportsConfig>,
  ) {}

  /** Any dashboard by name with its columns: the entry point for exports. */
  async run(name: DashboardName, actor: Principal, query: DashboardQueryDto, use: 'live' | 'export' = 'live'): Promise<DashboardResult> {
    this.checkRange(query.from, query.to, use === 'export' ? EXPORT_MAX_RANGE_DAYS : this.config.maxRangeDays);
    const scope = await this.resolveScope(actor, query);
    const rows = await this.rowsFor(name, scope, query);
    return {
      dashboard: name, title: DASHBOARD_TITLES[name], scope: { scope: scope.scope, id: scope.nodeId, name: scope.name },
      from: query.from, to: query.to, columns: DASHBOARD_COLUMNS[name], rows,
    };
  }

  rowsFor(name: DashboardName, s: ResolvedScope, q: DashboardQueryDto): Promise<DashboardRow[]> {
    const limit = q.limit ?? 10;
    switch (name) {
      case 'intake': return this.intake(s, q.from, q.to);
      case 'qc': return this.qc(s, q.from, q.to);
      case 'qc-rejects': return this.qcRejects(s, q.from, q.to, limit);
      case 'farmers': return this.farmers(s, q.from, q.to);
      case 'batches-in-transit': return this.batchesInTransit(s);
      case 'transit-loss': return this.transitLoss(s, q.from, q.to);
      case 'stock': return this.stock(s);
      case 'sales-by-channel': return this.salesByChannel(s, q.from, q.to);
      case 'sales-by-day': return this.salesByDay(s, q.from, q.to);
      case 'earnings': return this.earnings(s, q.from, q.to);
      case 'commissions': return this.commissions(s, q.from, q.to);
      case 'parcels': return this.parcels(s, q.from, q.to);
      case 'top-villages': return this.topVillages(s, q.from, q.to, limit);
    }
  }

  /** Reversed, impossible or too long ranges are refused; long periods go through the export. */
  checkRange(from: string, to: string, max = this.config.maxRangeDays): void {
    if (!isValidDay(from)) throw new InvalidFieldError('from', '不是有效日期', 'is not a valid day');
    if (!isValidDay(to)) throw new InvalidFieldError('to', '不是有效日期', 'is not a valid day');
    if (from > to) {
      throw new RuleViolationError('REPORT_RANGE_REVERSED', '开始日期晚于结束日期', 'The range starts after it ends (from > to)',
        [{ field: 'from', message: '须不晚于结束日期', messageEn: 'must not be after to' }]);
    }
    if (daysBetween(from, to) > max) {
      throw new RuleViolationError('REPORT_RANGE_TOO_LONG',
        `日期范围超过 ${max} 天，无法在线查询；更长的期间请使用导出`,
        `The range is longer than ${max} days for a live dashboard; use the export for longer periods`,
        [{ field: 'to', message: `最多 ${max} 天`, messageEn: `at most ${max} days` }]);
    }
  }

  /** The caller's scope: agents only their points, managers their region, admins their company; else 404. */
  async resolveScope(actor: Principal, q: Pick<DashboardQueryDto, 'scope' | 'pointId' | 'regionId'>): Promise<ResolvedScope> {
    if (q.scope === DashboardScope.POINT) {
      if (!q.pointId) throw new InvalidFieldError('pointId', 'scope=point 时必填', 'is required with scope=point');
      const [p] = await this.dataSource.query('SELECT id, company_id, region_path, name FROM commerce_point WHERE id = ?', [q.pointId]) as Raw[];
      if (!p || !canSeePoint(actor, { id: String(p.id), companyId: String(p.company_id), regionPath: String(p.region_path) })) {
        throw new NotFoundError('服务点', 'Commerce point', 'POINT_NOT_FOUND');
      }
      return { scope: q.scope, companyId: actor.companyId, nodeKind: 'P', nodeId: String(p.id), name: String(p.name), regionPath: String(p.region_path) };
    }
    if (q.scope === DashboardScope.REGION) {
      if (!q.regionId) throw new InvalidFieldError('regionId', 'scope=region 时必填', 'is required with scope=region');
      const [r] = await this.dataSource.query('SELECT id, name, path FROM region WHERE id = ?', [q.regionId]) as Raw[];
      const visible = !!r && (actor.role === Role.ADMIN
        || (actor.role === Role.REGION_MANAGER && !!actor.regionPath && String(r.path).startsWith(actor.regionPath)));
      if (!visible) throw new NotFoundError('区划', 'Region', 'REGION_NOT_FOUND');
      return { scope: q.scope, companyId: actor.companyId, nodeKind: 'R', nodeId: String(r.id), name: String(r.name), regionPath: String(r.path) };
    }
    if (actor.role !== Role.ADMIN) throw new NotFoundError('公司', 'Company', 'COMPANY_NOT_FOUND');
    const [c] = await this.dataSource.query('SELECT id, name FROM company WHERE id = ?', [actor.companyId]) as Raw[];
    return { scope: q.scope, companyId: actor.companyId, nodeKind: 'C', nodeId: actor.companyId, name: String(c?.name ?? ''), regionPath: null };
  }

  // ---- roll-up readers -------------------------------------------------------------------

  private node(s: ResolvedScope, alias = 't'): Sql {
    return { sql: `${alias}.company_id = ? AND ${alias}.node_kind = ? AND ${alias}.node_id = ?`, params: [s.companyId, s.nodeKind, s.nodeId] };
  }

  /**
   * The rows of [from, to] (see rangePlan) and the sign of each: +1, or −1 for the day rows taken
   * out of a month row. Days are validated 'YYYY-MM-DD' strings, written into the SQL as literals.
   */
  private range(from: string, to: string, alias = 't', dayColumn = 'day'): { where: string; sign: string } {
    const { months, plusDays, minusDays } = rangePlan(from, to);
    const day = `${alias}.${dayColumn}`;
    const lit = (d: string) => { if (!isValidDay(d)) throw new Error(`not a day: ${d}`); return `'${d}'`; };
    const between = (ranges: Array<[string, string]>) => ranges.map(([a, b]) => `${day} BETWEEN ${lit(a)} AND ${lit(b)}`).join(' OR ');
    const parts: string[] = [];
    if (months.length) parts.push(`(${alias}.period = 'M' AND ${day} IN (${months.map(lit).join(', ')}))`);
    const days = [...plusDays, ...minusDays];
    if (days.length) parts.push(`(${alias}.period = 'D' AND (${between(days)}))`);
    const sign = minusDays.length ? `(CASE WHEN ${alias}.period = 'D' AND (${between(minusDays)}) THEN -1 ELSE 1 END)` : '1';
    return { where: `(${parts.join(' OR ')})`, sign };
  }

  private async sumRows(table: string, s: ResolvedScope, from: string, to: string, dims: string[], measures: string[]): Promise<Raw[]> {
    const node = this.node(s);
    const range = this.range(from, to);
    const groupBy = dims.length ? `GROUP BY ${dims.map((d) => `t.${d}`).join(', ')}` : '';
    const sum = (m: string) => (range.sign === '1' ? `SUM(t.${m})` : `SUM(t.${m} * ${range.sign})`);
    // a dimension whose every figure nets to zero over the range (only on subtracted days) is no row
    return this.dataSource.query(
      `SELECT ${[...dims.map((d) => `t.${d}`), ...measures.map((m) => `${sum(m)} AS ${m}`)].join(', ')}
         FROM ${table} t WHERE ${node.sql} AND ${range.where} ${groupBy}
       HAVING ${measures.map((m) => `${sum(m)} <> 0`).join(' OR ')}`,
      node.params,
    );
  }

  private async products(ids: unknown[]): Promise<Map<string, { name: string; code: string; baseUnit: string }>> {
    const unique = [...new Set(ids.map(String))];
    if (!unique.length) return new Map();
    const rows = await this.dataSource.query('SELECT id, code, name, base_unit FROM product WHERE id IN (?)', [unique]) as Raw[];
    return new Map(rows.map((r) => [String(r.id), { name: String(r.name), code: String(r.code), baseUnit: String(r.base_unit) }]));
  }

  // ---- dashboards ------------------------------------------------------------------------

  /** Intake volume and value per product and accepted grade (current QC), by intake day. */
  async intake(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const rows = await this.sumRows('rpt_intake', s, from, to, ['product_id', 'grade_code'], ['line_count', 'quantity_base', 'amount_fen']);
    const products = await this.products(rows.map((r) => r.product_id));
    const sortKey = (r: Raw) => `${products.get(String(r.product_id))?.code ?? ''}|${String(r.grade_code)}`;
    return [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b))).map((r) => {
      const p = products.get(String(r.product_id));
      return {
        productId: String(r.product_id), productName: p?.name ?? null, gradeCode: String(r.grade_code), lineCount: n(r.line_count),
        quantityBase: n(r.quantity_base), baseUnit: p?.baseUnit ?? null, amountFen: n(r.amount_fen),
      };
    });
  }

  /** QC per product: delivered, inspected, accepted, rejected and the pass rate by quantity. */
  async qc(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const rows = await this.sumRows('rpt_qc', s, from, to, ['product_id'],
      ['line_count', 'delivered_base', 'inspected_line_count', 'accepted_base', 'rejected_base']);
    const products = await this.products(rows.map((r) => r.product_id));
    return rows.map((r) => {
      const p = products.get(String(r.product_id));
      const accepted = n(r.accepted_base);
      const rejected = n(r.rejected_base);
      return {
        productId: String(r.product_id), productName: p?.name ?? null, lineCount: n(r.line_count), deliveredBase: n(r.delivered_base),
        inspectedLineCount: n(r.inspected_line_count), acceptedBase: accepted, rejectedBase: rejected,
        passRateBp: basisPoints(accepted, accepted + rejected), baseUnit: p?.baseUnit ?? null,
      };
    }).sort((a, b) => String(a.productName).localeCompare(String(b.productName)));
  }

  /** The most frequent reject reasons (per product, as quantities of different products don't add up). */
  async qcRejects(s: ResolvedScope, from: string, to: string, limit: number): Promise<DashboardRow[]> {
    const rows = await this.sumRows('rpt_qc_reject', s, from, to, ['product_id', 'reason'], ['line_count', 'quantity_base']);
    const products = await this.products(rows.map((r) => r.product_id));
    return rows
      .map((r) => ({ r, lines: n(r.line_count), q: n(r.quantity_base) }))
      .sort((a, b) => b.lines - a.lines || b.q - a.q || String(a.r.reason).localeCompare(String(b.r.reason)))
      .slice(0, limit)
      .map(({ r, lines, q }, i) => {
        const p = products.get(String(r.product_id));
        return {
          rank: i + 1, reason: String(r.reason), reasonName: REJECT_REASON_ZH[r.reason as RejectReason] ?? String(r.reason),
          productId: String(r.product_id), productName: p?.name ?? null, lineCount: lines, quantityBase: q, baseUnit: p?.baseUnit ?? null,
        };
      });
  }

  /**
   * Farmers served (brought goods), active households (goods or money moved), the same for hardship
   * households (困难户), and income: distinct counts over the year bitmaps, income from the sums.
   */
  async farmers(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const conds: { served: string[]; active: string[] } = { served: [], active: [] };
    const years: number[] = [];
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
      years.push(y);
      const first = from > `${y}-01-01` ? from : `${y}-01-01`;
      const last = to < `${y}-12-31` ? to : `${y}-12-31`;
      const masks = yearMasks(dayIndexInYear(first), dayIndexInYear(last));
      for (const kind of ['served', 'active'] as const) {
        const terms = masks.map((m, w) => (m === 0n ? null : `(y.${kind}_w${w} & CAST(${m.toString()} AS UNSIGNED))`)).filter(Boolean);
        conds[kind].push(`(y.year = ${y} AND (${terms.join(' | ')}) <> 0)`);
      }
    }
    const served = `(${conds.served.join(' OR ')})`;
    const active = `(${conds.active.join(' OR ')})`;
    const node = this.node(s, 'y');
    // one row per (node, farmer, year): within one year a plain SUM counts farmers; across years a
    // farmer may have a row in each, so a node's rows (in farmer order) are first folded per farmer
    const [c] = await this.dataSource.query(
      years.length === 1
        ? `SELECT SUM(${served}) AS served, SUM(${active}) AS active, SUM(y.hardship = 1 AND ${served}) AS hardship_served,
                  SUM(y.hardship = 1 AND ${active}) AS hardship_active
             FROM rpt_farmer_year y WHERE ${node.sql} AND y.year = ${years[0]}`
        : `SELECT SUM(x.s) AS served, SUM(x.a) AS active, SUM(x.hs) AS hardship_served, SUM(x.ha) AS hardship_active FROM (
             SELECT y.farmer_id, MAX(${served}) AS s, MAX(${active}) AS a, MAX(y.hardship = 1 AND ${served}) AS hs, MAX(y.hardship = 1 AND ${active}) AS ha
               FROM rpt_farmer_year y WHERE ${node.sql} AND y.year IN (${years.join(', ')}) GROUP BY y.farmer_id) x`,
      node.params,
    ) as Raw[];
    const income = await this.sumRows('rpt_earnings', s, from, to, ['hardship'], ['earned_fen']);
    const incomeOf = (hardship: boolean) => income.filter((r) => !hardship || n(r.hardship) === 1).reduce((sum, r) => sum + n(r.earned_fen), 0);
    return [{
      farmersServed: n(c.served), activeHouseholds: n(c.active), hardshipHouseholdsServed: n(c.hardship_served),
      hardshipActiveHouseholds: n(c.hardship_active), incomeFen: incomeOf(false), hardshipIncomeFen: incomeOf(true),
    }];
  }

  /** Now: batches dispatched and not yet received, oldest first. */
  async batchesInTransit(s: ResolvedScope, now = new Date()): Promise<DashboardRow[]> {
    const where = s.nodeKind === 'P' ? { sql: 'AND b.point_id = ?', params: [s.nodeId] }
      : s.nodeKind === 'R' ? { sql: 'AND cp.region_path LIKE ?', params: [`${s.regionPath}%`] } : { sql: '', params: [] };
    const rows = await this.dataSource.query(
      `SELECT b.id, b.batch_no, cp.name AS point_name, w.name AS warehouse_name, b.dispatched_at,
              (SELECT COUNT(*) FROM batch_item i WHERE i.batch_id = b.id) AS item_count,
              (SELECT COALESCE(SUM(i.quantity_base), 0) FROM batch_item i WHERE i.batch_id = b.id) AS quantity_base
         FROM batch b JOIN commerce_point cp ON cp.id = b.point_id JOIN warehouse w ON w.id = b.warehouse_id
        WHERE b.status = 'DISPATCHED' AND b.company_id = ? ${where.sql}
        ORDER BY b.dispatched_at, b.id`,
      [s.companyId, ...where.params],
    ) as Raw[];
    return rows.map((r) => {
      const dispatchedAt = r.dispatched_at as Date;
      return {
        batchId: String(r.id), batchNo: str(r.batch_no), pointName: String(r.point_name), warehouseName: String(r.warehouse_name),
        dispatchedAt: dispatchedAt.toISOString(), hoursInTransit: Math.floor((now.getTime() - dispatchedAt.getTime()) / 3_600_000),
        itemCount: n(r.item_count), quantityBase: n(r.quantity_base),
      };
    });
  }

  /** Transit loss per product and cause, by the day it was recorded. */
  async transitLoss(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const rows = await this.sumRows('rpt_transit_loss', s, from, to, ['product_id', 'cause'], ['loss_count', 'quantity_base']);
    const products = await this.products(rows.map((r) => r.product_id));
    return rows.map((r) => {
      const p = products.get(String(r.product_id));
      return {
        productId: String(r.product_id), productName: p?.name ?? null, cause: String(r.cause),
        causeName: LOSS_CAUSE_ZH[r.cause as LossCause] ?? String(r.cause), lossCount: n(r.loss_count), quantityBase: n(r.quantity_base),
        baseUnit: p?.baseUnit ?? null,
      };
    }).sort((a, b) => b.quantityBase - a.quantityBase || a.cause.localeCompare(b.cause));
  }

  /**
   * Now: stock per warehouse and SKU with the earliest best-before, in the warehouses of the scope —
   * the company's; those located in the region; for a point, the warehouses its batches go to.
   */
  async stock(s: ResolvedScope): Promise<DashboardRow[]> {
    const where = s.nodeKind === 'P' ? { sql: 'AND w.id IN (SELECT DISTINCT b.warehouse_id FROM batch b WHERE b.point_id = ?)', params: [s.nodeId] }
      : s.nodeKind === 'R' ? { sql: 'AND w.region_id IN (SELECT r.id FROM region r WHERE r.path LIKE ?)', params: [`${s.regionPath}%`] }
        : { sql: '', params: [] };
    const rows = await this.dataSource.query(
      `SELECT w.name AS warehouse_name, k.id AS sku_id, k.code AS sku_code, k.name AS sku_name, COUNT(*) AS lot_count,
              SUM(l.on_hand_packs) AS on_hand, SUM(l.reserved_packs) AS reserved, SUM(l.expired_packs) AS expired,
              DATE_FORMAT(MIN(l.best_before), '%Y-%m-%d') AS earliest
         FROM warehouse w JOIN lot l ON l.warehouse_id = w.id AND l.on_hand_packs > 0 JOIN sku k ON k.id = l.sku_id
        WHERE w.company_id = ? ${where.sql}
        GROUP BY w.id, w.name, k.id, k.code, k.name ORDER BY w.name, k.code`,
      [s.companyId, ...where.params],
    ) as Raw[];
    return rows.map((r) => ({
      warehouseName: String(r.warehouse_name), skuId: String(r.sku_id), skuCode: String(r.sku_code), skuName: String(r.sku_name),
      lotCount: n(r.lot_count), onHandPacks: n(r.on_hand), reservedPacks: n(r.reserved), availablePacks: n(r.on_hand) - n(r.reserved),
      expiredPacks: n(r.expired), earliestBestBefore: str(r.earliest),
    }));
  }

  private static readonly SALES_MEASURES = ['allocation_count', 'units_base', 'revenue_fen', 'farmer_fen', 'commission_fen', 'refunded_units_base', 'refunded_farmer_fen'];

  /** Sales of the place's goods per channel (store / online / live stream). */
  async salesByChannel(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const rows = await this.sumRows('rpt_sales', s, from, to, ['channel_kind'], DashboardsService.SALES_MEASURES);
    const order = ['STORE', 'ONLINE', 'LIVESTREAM'];
    return rows.map((r) => ({
      channelKind: String(r.channel_kind), channelName: CHANNEL_ZH[String(r.channel_kind)] ?? String(r.channel_kind),
      allocationCount: n(r.allocation_count), unitsBase: n(r.units_base), revenueFen: n(r.revenue_fen), farmerFen: n(r.farmer_fen),
      commissionFen: n(r.commission_fen), refundedUnitsBase: n(r.refunded_units_base), refundedFarmerFen: n(r.refunded_farmer_fen),
    })).sort((a, b) => order.indexOf(a.channelKind) - order.indexOf(b.channelKind));
  }

  /** Sales per day and channel, refunds on the day they were made (day rows only: one row per day shown). */
  async salesByDay(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const node = this.node(s);
    const rows = await this.dataSource.query(
      `SELECT DATE_FORMAT(t.day, '%Y-%m-%d') AS day, t.channel_kind, SUM(t.units_base) AS units_base, SUM(t.revenue_fen) AS revenue_fen,
              SUM(t.farmer_fen) AS farmer_fen, SUM(t.refunded_units_base) AS refunded_units_base, SUM(t.refunded_farmer_fen) AS refunded_farmer_fen
         FROM rpt_sales t WHERE ${node.sql} AND t.period = 'D' AND t.day BETWEEN ? AND ?
        GROUP BY t.day, t.channel_kind ORDER BY t.day, t.channel_kind`,
      [...node.params, from, to],
    ) as Raw[];
    return rows.map((r) => ({
      day: String(r.day), channelKind: String(r.channel_kind), channelName: CHANNEL_ZH[String(r.channel_kind)] ?? String(r.channel_kind),
      unitsBase: n(r.units_base), revenueFen: n(r.revenue_fen), farmerFen: n(r.farmer_fen),
      refundedUnitsBase: n(r.refunded_units_base), refundedFarmerFen: n(r.refunded_farmer_fen),
    }));
  }

  /**
   * Farmer earnings: earned, deductions, settled (statements created), paid (payouts paid) in the
   * range, and pending = what the company owes the place's farmers at the end of `to` (every
   * balance change up to then: months before `to`'s month, then days).
   */
  async earnings(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const [r] = await this.sumRows('rpt_earnings', s, from, to, [],
      ['earned_fen', 'adjustments_fen', 'settled_fen', 'statement_count', 'paid_fen', 'payout_count']);
    const node = this.node(s);
    const [owed] = await this.dataSource.query(
      `SELECT SUM(t.balance_change_fen) AS owed FROM rpt_earnings t
        WHERE ${node.sql} AND ((t.period = 'M' AND t.day < ?) OR (t.period = 'D' AND t.day BETWEEN ? AND ?))`,
      [...node.params, monthStart(to), monthStart(to), to],
    ) as Raw[];
    return [{
      earnedFen: n(r?.earned_fen), adjustmentsFen: n(r?.adjustments_fen), settledFen: n(r?.settled_fen), statementCount: n(r?.statement_count),
      paidFen: n(r?.paid_fen), payoutCount: n(r?.payout_count), pendingFen: n(owed?.owed),
    }];
  }

  /** Commissions credited to agents and village collectives, largest first (names joined after the sums). */
  async commissions(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    const node = this.node(s);
    const range = this.range(from, to);
    const sum = (m: string) => (range.sign === '1' ? `SUM(t.${m})` : `SUM(t.${m} * ${range.sign})`);
    const rows = await this.dataSource.query(
      `SELECT x.beneficiary_type, x.beneficiary_id, x.amount_fen, x.entry_count,
              CASE WHEN x.beneficiary_type = 'AGENT' THEN u.display_name ELSE CONCAT(r.name, '村集体') END AS name
         FROM (SELECT t.beneficiary_type, t.beneficiary_id, ${sum('amount_fen')} AS amount_fen, ${sum('entry_count')} AS entry_count
                 FROM rpt_commission t WHERE ${node.sql} AND ${range.where}
                GROUP BY t.beneficiary_type, t.beneficiary_id HAVING amount_fen <> 0 OR entry_count <> 0) x
         LEFT JOIN staff_user u ON x.beneficiary_type = 'AGENT' AND u.id = x.beneficiary_id
         LEFT JOIN region r ON x.beneficiary_type = 'VILLAGE_COLLECTIVE' AND r.id = x.beneficiary_id
        ORDER BY x.amount_fen DESC, x.beneficiary_type, x.beneficiary_id`,
      node.params,
    ) as Raw[];
    return rows.map((r) => ({
      beneficiaryType: String(r.beneficiary_type), beneficiaryTypeName: BENEFICIARY_ZH[String(r.beneficiary_type)] ?? String(r.beneficiary_type),
      beneficiaryId: String(r.beneficiary_id), beneficiaryName: str(r.name), amountFen: n(r.amount_fen), entryCount: n(r.entry_count),
    }));
  }

  /**
   * Parcels down (arrived) and up (sent) per carrier with the up share, from the parcel station's
   * exact counters: per point and day, or per region by month and day.
   */
  async parcels(s: ResolvedScope, from: string, to: string): Promise<DashboardRow[]> {
    let rows: Raw[];
    const measures = `d.carrier_id, d.direction, SUM(d.received) AS received, SUM(d.collected) AS collected, SUM(d.returned) AS returned, SUM(d.sent) AS sent`;
    if (s.nodeKind === 'P') {
      rows = await this.dataSource.query(
        `SELECT ${measures} FROM parcel_daily_count d WHERE d.point_id = ? AND d.business_day BETWEEN ? AND ? GROUP BY d.carrier_id, d.direction`,
        [s.nodeId, from, to],
      );
    } else {
      const regionIds = s.nodeKind === 'R' ? [s.nodeId] : await this.companyRootRegions(s.companyId);
      if (!regionIds.length) return [];
      const range = this.range(from, to, 'd', 'period_start');
      // the parcel counters are unsigned: signed before a day is taken out of its month
      const signed = (m: string) => (range.sign === '1' ? `SUM(d.${m})` : `SUM(CAST(d.${m} AS SIGNED) * ${range.sign})`);
      rows = await this.dataSource.query(
        `SELECT d.carrier_id, d.direction, ${['received', 'collected', 'returned', 'sent'].map((m) => `${signed(m)} AS ${m}`).join(', ')}
           FROM parcel_region_count d WHERE d.company_id = ? AND d.region_id IN (?) AND ${range.where}
          GROUP BY d.carrier_id, d.direction`,
        [s.companyId, regionIds],
      );
    }
    const carriers = new Map<string, { code: string; name: string }>();
    const carrierIds = [...new Set(rows.map((r) => String(r.carrier_id)))];
    if (carrierIds.length) {
      for (const c of await this.dataSource.query('SELECT id, code, name FROM carrier WHERE id IN (?)', [carrierIds]) as Raw[]) carriers.set(String(c.id), { code: String(c.code), name: String(c.name) });
    }
    const byCarrier = new Map<string, { down: number; collected: number; returned: number; up: number }>();
    for (const r of rows) {
      const e = byCarrier.get(String(r.carrier_id)) ?? { down: 0, collected: 0, returned: 0, up: 0 };
      if (r.direction === 'DOWN') { e.down += n(r.received); e.collected += n(r.collected); e.returned += n(r.returned); } else e.up += n(r.sent);
      byCarrier.set(String(r.carrier_id), e);
    }
    return [...byCarrier.entries()].map(([id, e]) => ({
      carrierCode: carriers.get(id)?.code ?? id, carrierName: carriers.get(id)?.name ?? null, downCount: e.down, collectedCount: e.collected,
      returnedCount: e.returned, upCount: e.up, upShareBp: basisPoints(e.up, e.down + e.up),
    })).sort((a, b) => a.carrierCode.localeCompare(b.carrierCode));
  }

  /**
   * Top villages (the points' regions) by farmer income: one node's rows of the per-village roll-up,
   * about (months + days) × villages under the scope.
   */
  async topVillages(s: ResolvedScope, from: string, to: string, limit: number): Promise<DashboardRow[]> {
    const rows = await this.sumRows('rpt_village_income', s, from, to, ['village_id', 'hardship'], ['earned_fen']);
    const byVillage = new Map<string, { earned: number; hardship: number }>();
    for (const r of rows) {
      const e = byVillage.get(String(r.village_id)) ?? { earned: 0, hardship: 0 };
      e.earned += n(r.earned_fen);
      if (n(r.hardship) === 1) e.hardship += n(r.earned_fen);
      byVillage.set(String(r.village_id), e);
    }
    const top = [...byVillage.entries()].filter(([, e]) => e.earned !== 0)
      .sort(([a, x], [b, y]) => y.earned - x.earned || (BigInt(a) < BigInt(b) ? -1 : 1)).slice(0, limit);
    const names = new Map<string, string>();
    if (top.length) {
      for (const r of await this.dataSource.query('SELECT id, name FROM region WHERE id IN (?)', [top.map(([id]) => id)]) as Raw[]) names.set(String(r.id), String(r.name));
    }
    return top.map(([id, e], i) => ({ rank: i + 1, villageId: id, villageName: names.get(id) ?? null, earnedFen: e.earned, hardshipEarnedFen: e.hardship }));
  }

  /** The top regions of the company's points (usually one province): the company's parcel totals. */
  private async companyRootRegions(companyId: string): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT DISTINCT SUBSTRING_INDEX(SUBSTRING(region_path, 2), '/', 1) AS root FROM commerce_point WHERE company_id = ?`, [companyId],
    ) as Raw[];
    return rows.map((r) => String(r.root)).filter((x) => x.length > 0);
  }
}

/** The day bits [first, last] (0-based day of the year) as BITMAP_WORDS 64-bit words. */
export function yearMasks(first: number, last: number): bigint[] {
  const masks: bigint[] = Array.from({ length: BITMAP_WORDS }, () => 0n);
  for (let i = first; i <= last; i++) masks[Math.floor(i / 64)] |= 1n << BigInt(i % 64);
  return masks;
}
