import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { businessDay } from '../common/business-day';
import { lineAmountFen } from '../common/money';
import { UnsoldConfig, UnsoldPolicyName } from '../config';
import { inTransaction } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { InventoryService } from '../warehouse/inventory.service';
import { AllocationService, Conversion, UnsoldShare } from './allocation.service';
import { SALES_EVENTS } from './sales.service';
import { NO_LOT, UnsoldPolicy, UnsoldStage } from './unsold-action.entity';

export const UNSOLD_EVENTS = {
  PERIOD_ENDING: SALES_EVENTS.CONSIGNMENT_PERIOD_ENDING,
  CONVERTED: 'unsold.converted',
  MARKED_DOWN: 'unsold.marked_down',
  RETURN_REQUESTED: 'unsold.return_requested',
} as const;

/** Payload of `consignment.period_ending` and `unsold.return_requested` (one per consignment line; the SMS handlers in notifications read it). */
export type PeriodEndingPayload = {
  companyId: string; farmerId: string; pointId: string; consignmentId: string; consignmentLineId: string; receiptNo: string;
  productId: string; unsoldBase: number; periodEndsAt: string;
};

export type UnsoldRunOutcome = { day: string; policy: UnsoldPolicyName; periodEndingNotices: number; converted: number; convertedFen: number; markedDown: number; returnRequested: number };

const DAY_MS = 86_400_000;
/** Lots per transaction of the conversion (each locked, planned and posted together). */
const LOTS_PER_TX = 200;
const ROWS_PER_INSERT = 2000;

type Window = { from: Date; to: Date };
type ShareRow = { lotId: string; consignmentLineId: string; farmerId: string; periodEndsAt: Date; unsoldBase: number };
type LineRow = {
  consignmentLineId: string; consignmentId: string; receiptNo: string; pointId: string; farmerId: string; productId: string; periodEndsAt: Date; unsoldBase: number;
};

/**
 * The unsold-goods job (daily, once per slot): `consignment.period_ending` a few days before a
 * consignment-mode line's period ends while some of it is unsold, then the configured policy for
 * goods whose period is over — CONVERT (the company takes the lots' unallocated units at the
 * QC-locked price through the allocation code, the farmer is paid as if sold), MARKDOWN (a price
 * suggestion flagged on the lot) or NOTIFY_RETURN (goods still at the point: the farmer is asked to
 * take them back). Everything it does is a record in `unsold_action`, unique per (lot, line, stage),
 * so a rerun of the slot (or another slot of the same day) writes nothing twice.
 */
@Injectable()
export class UnsoldService {
  private readonly logger = new Logger(UnsoldService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly allocation: AllocationService,
    private readonly inventory: InventoryService,
    private readonly outbox: OutboxService,
  ) {}

  private get cfg(): UnsoldConfig {
    return this.config.getOrThrow<UnsoldConfig>('unsold');
  }

  /** One slot for every company. `policy` defaults to UNSOLD_POLICY. */
  async run(slot: Date, policy: UnsoldPolicyName = this.cfg.policy): Promise<UnsoldRunOutcome> {
    const day = businessDay(slot);
    const out: UnsoldRunOutcome = { day, policy, periodEndingNotices: 0, converted: 0, convertedFen: 0, markedDown: 0, returnRequested: 0 };
    const companies = await this.dataSource.query('SELECT id FROM company ORDER BY id') as Array<{ id: string }>;
    for (const { id } of companies) {
      const companyId = String(id);
      const periods = await this.periodRange(companyId);
      if (!periods) continue;
      out.periodEndingNotices += await this.periodEndingNotices(companyId, slot, day, policy, periods);
      if (policy === 'CONVERT') {
        const r = await this.convert(companyId, slot, day, periods);
        out.converted += r.shares; out.convertedFen += r.fen;
      } else if (policy === 'MARKDOWN') {
        out.markedDown += await this.markdown(companyId, slot, day, periods);
      } else {
        out.returnRequested += await this.notifyReturn(companyId, slot, day, periods);
      }
    }
    this.logger.log(out, 'unsold goods run');
    return out;
  }

  /** Shortest and longest consignment period of a company's products: bounds the capture-time range scanned. */
  private async periodRange(companyId: string): Promise<{ min: number; max: number } | null> {
    const [r] = await this.dataSource.query('SELECT MIN(consignment_period_days) AS lo, MAX(consignment_period_days) AS hi FROM product WHERE company_id = ?', [companyId]) as Array<{ lo: number | null; hi: number | null }>;
    return r?.lo === null || r?.lo === undefined ? null : { min: Number(r.lo), max: Number(r.hi) };
  }

  /** Capture times whose period ends in (from, to], for the index range of `idx_consignment_company_captured`. */
  private captureWindow(ends: Window, periods: { min: number; max: number }): Window {
    return { from: new Date(ends.from.getTime() - periods.max * DAY_MS), to: new Date(ends.to.getTime() - periods.min * DAY_MS) };
  }

  /**
   * One `consignment.period_ending` per consignment-mode line whose period ends within the notice
   * days and of which something is unsold: at the point, on the way or in the warehouse (received,
   * not yet packed), or in lots and not yet allocated to sales. Losses and chargebacks do not count.
   */
  private async periodEndingNotices(companyId: string, slot: Date, day: string, policy: UnsoldPolicyName, periods: { min: number; max: number }): Promise<number> {
    const days = this.cfg.periodEndingNoticeDays;
    if (days === 0) return 0;
    const ends = { from: slot, to: new Date(slot.getTime() + days * DAY_MS) };
    const cap = this.captureWindow(ends, periods);
    const rows = await this.dataSource.query(
      `SELECT x.* FROM (
         SELECT cl.id AS line_id, c.id AS consignment_id, c.receipt_no, c.point_id, c.farmer_id, cl.product_id,
                DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY) AS ends_at,
                CAST(cl.accepted_quantity_base AS SIGNED) - CAST(cl.batched_quantity_base AS SIGNED) - CAST(cl.handed_back_quantity_base AS SIGNED)
                + (SELECT COALESCE(SUM(GREATEST(CAST(bi.quantity_base AS SIGNED) + CAST(bi.surplus_base AS SIGNED) - CAST(bi.damaged_base AS SIGNED) - CAST(bi.lost_base AS SIGNED) - CAST(bi.processed_base AS SIGNED) - CAST(bi.charged_back_base AS SIGNED), 0)), 0)
                     FROM batch_item bi JOIN batch b ON b.id = bi.batch_id WHERE bi.consignment_line_id = cl.id AND b.status <> 'CANCELLED')
                + (SELECT COALESCE(SUM(lp.quantity_base), 0) FROM lot_provenance lp WHERE lp.consignment_line_id = cl.id)
                - (SELECT COALESCE(SUM(la.allocated_base), 0) FROM lot_allocation la WHERE la.consignment_line_id = cl.id) AS unsold
         FROM consignment c JOIN consignment_line cl ON cl.consignment_id = c.id JOIN product p ON p.id = cl.product_id
         WHERE c.company_id = ? AND c.captured_at > ? AND c.captured_at <= ? AND cl.settlement_mode = 'CONSIGNMENT' AND cl.accepted_quantity_base > 0
           AND NOT EXISTS (SELECT 1 FROM unsold_action ua WHERE ua.lot_id = 0 AND ua.consignment_line_id = cl.id AND ua.stage = ?)
       ) x WHERE x.ends_at > ? AND x.ends_at <= ? AND x.unsold > 0 ORDER BY x.line_id`,
      [companyId, cap.from, cap.to, UnsoldStage.PERIOD_ENDING, ends.from, ends.to],
    ) as Array<Record<string, unknown>>;
    const lines = rows.map(toLineRow);
    if (lines.length === 0) return 0;
    await inTransaction(this.dataSource, async (em) => {
      await this.record(em, companyId, day, policy, UnsoldStage.PERIOD_ENDING, lines.map((l) => ({ ...l, lotId: NO_LOT, amountFen: 0 })));
      await this.outbox.publish(em, ...lines.map((l) => ({
        eventType: UNSOLD_EVENTS.PERIOD_ENDING, aggregateType: 'consignment_line', aggregateId: l.consignmentLineId,
        payload: {
          companyId, farmerId: l.farmerId, pointId: l.pointId, consignmentId: l.consignmentId, consignmentLineId: l.consignmentLineId, receiptNo: l.receiptNo,
          productId: l.productId, unsoldBase: l.unsoldBase, periodEndsAt: l.periodEndsAt.toISOString(),
        } satisfies PeriodEndingPayload,
      })));
    });
    return lines.length;
  }

  /** Lots' shares of consignment-mode lines whose period ended within the lookback, with units not yet allocated, not acted on before. */
  private async unsoldShares(companyId: string, slot: Date, periods: { min: number; max: number }): Promise<ShareRow[]> {
    const ends = { from: new Date(slot.getTime() - this.cfg.lookbackDays * DAY_MS), to: slot };
    const cap = this.captureWindow(ends, periods);
    const rows = await this.dataSource.query(
      `SELECT lp.lot_id, lp.consignment_line_id, MIN(lp.farmer_id) AS farmer_id, MIN(DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY)) AS ends_at,
              CAST(SUM(lp.quantity_base) AS SIGNED) - CAST(COALESCE(MAX(la.allocated_base), 0) AS SIGNED) AS unsold
       FROM consignment c JOIN consignment_line cl ON cl.consignment_id = c.id JOIN product p ON p.id = cl.product_id
       JOIN lot_provenance lp ON lp.consignment_line_id = cl.id
       LEFT JOIN lot_allocation la ON la.lot_id = lp.lot_id AND la.consignment_line_id = lp.consignment_line_id
       WHERE c.company_id = ? AND c.captured_at > ? AND c.captured_at <= ? AND cl.settlement_mode = 'CONSIGNMENT'
         AND DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY) > ? AND DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY) <= ?
         AND NOT EXISTS (SELECT 1 FROM unsold_action ua WHERE ua.lot_id = lp.lot_id AND ua.consignment_line_id = cl.id AND ua.stage = ?)
       GROUP BY lp.lot_id, lp.consignment_line_id HAVING unsold > 0 ORDER BY lp.lot_id, lp.consignment_line_id`,
      [companyId, cap.from, cap.to, ends.from, ends.to, UnsoldStage.ACTED],
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      lotId: String(r.lot_id), consignmentLineId: String(r.consignment_line_id), farmerId: String(r.farmer_id), periodEndsAt: new Date(r.ends_at as string), unsoldBase: Number(r.unsold),
    }));
  }

  /** CONVERT: lot by lot chunk, the lots locked (as a sale locks them), the units allocated and posted, the records written. */
  private async convert(companyId: string, slot: Date, day: string, periods: { min: number; max: number }): Promise<{ shares: number; fen: number }> {
    const shares = await this.unsoldShares(companyId, slot, periods);
    const lotIds = [...new Set(shares.map((x) => x.lotId))];
    let count = 0; let fen = 0;
    for (let i = 0; i < lotIds.length; i += LOTS_PER_TX) {
      const chunkLots = new Set(lotIds.slice(i, i + LOTS_PER_TX));
      const chunk = shares.filter((x) => chunkLots.has(x.lotId));
      const ends = new Map(chunk.map((x) => [`${x.lotId}:${x.consignmentLineId}`, x.periodEndsAt]));
      const done = await inTransaction(this.dataSource, async (em) => {
        await this.inventory.lockLots(em, companyId, [...chunkLots]);
        const conversions = await this.allocation.convertUnsold(em, companyId, chunk.map((x): UnsoldShare => ({ lotId: x.lotId, consignmentLineId: x.consignmentLineId })), slot);
        if (conversions.length === 0) return [] as Conversion[];
        await this.record(em, companyId, day, 'CONVERT', UnsoldStage.ACTED, conversions.map((v) => ({
          lotId: v.lotId, consignmentLineId: v.consignmentLineId, farmerId: v.farmerId, unsoldBase: v.quantityBase, amountFen: v.farmerAmountFen,
          periodEndsAt: ends.get(`${v.lotId}:${v.consignmentLineId}`)!,
        })));
        const byLot = groupBy(conversions, (v) => v.lotId);
        await this.outbox.publish(em, ...[...byLot.entries()].map(([lotId, list]) => ({
          eventType: UNSOLD_EVENTS.CONVERTED, aggregateType: 'lot', aggregateId: lotId,
          payload: {
            companyId, lotId, day, unitsBase: list.reduce((s, v) => s + v.quantityBase, 0),
            lines: list.map((v) => ({ consignmentLineId: v.consignmentLineId, farmerId: v.farmerId, quantityBase: v.quantityBase, amountFen: v.farmerAmountFen, sourceKey: v.sourceKey })),
          },
        })));
        return conversions;
      });
      count += done.length;
      fen += done.reduce((s, v) => s + v.farmerAmountFen, 0);
    }
    return { shares: count, fen };
  }

  /**
   * MARKDOWN: a flag on each lot still in stock (once per lot) with a suggested pack price — the
   * SKU's latest sale price less UNSOLD_MARKDOWN_PERCENT (none if it never sold) — and a record per
   * lot and line. Nothing is allocated: the goods stay the farmers' until sold.
   */
  private async markdown(companyId: string, slot: Date, day: string, periods: { min: number; max: number }): Promise<number> {
    const shares = await this.unsoldShares(companyId, slot, periods);
    if (shares.length === 0) return 0;
    const lots = await this.dataSource.query('SELECT id, sku_id, warehouse_id, on_hand_packs FROM lot WHERE id IN (?) AND on_hand_packs > 0', [[...new Set(shares.map((x) => x.lotId))]]) as Array<Record<string, unknown>>;
    if (lots.length === 0) return 0;
    const skuIds = [...new Set(lots.map((l) => String(l.sku_id)))];
    const prices = await this.dataSource.query(
      `SELECT sl.sku_id, MAX(sl.unit_price_fen) AS price FROM sale_line sl
       JOIN (SELECT sku_id, MAX(sold_at) AS at FROM sale_line WHERE sku_id IN (?) AND unit_price_fen > 0 GROUP BY sku_id) last ON last.sku_id = sl.sku_id AND last.at = sl.sold_at
       WHERE sl.unit_price_fen > 0 GROUP BY sl.sku_id`, [skuIds],
    ) as Array<{ sku_id: string; price: string }>;
    const priceOf = new Map(prices.map((p) => [String(p.sku_id), Number(p.price)]));
    const pct = this.cfg.markdownPercent;
    const inStock = new Map(lots.map((l) => [String(l.id), l]));
    const kept = shares.filter((x) => inStock.has(x.lotId));
    const byLot = groupBy(kept, (x) => x.lotId);
    await inTransaction(this.dataSource, async (em) => {
      const flags = [...byLot.entries()].map(([lotId, list]) => {
        const ref = priceOf.get(String(inStock.get(lotId)!.sku_id)) ?? null;
        return { lotId, ref, suggested: ref === null ? null : lineAmountFen(ref, 100 - pct, 100), unsoldBase: list.reduce((s, x) => s + x.unsoldBase, 0) };
      });
      // the first markdown of a lot stands; lines whose period ends later are recorded against it
      await em.query(
        `INSERT IGNORE INTO lot_markdown (lot_id, company_id, business_day, markdown_percent, reference_unit_price_fen, suggested_unit_price_fen, unsold_base) VALUES ${flags.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        flags.flatMap((f) => [f.lotId, companyId, day, pct, f.ref, f.suggested, f.unsoldBase]),
      );
      await this.record(em, companyId, day, 'MARKDOWN', UnsoldStage.ACTED, kept.map((x) => ({ ...x, amountFen: 0 })));
      const stored = new Map((await em.query('SELECT lot_id, markdown_percent, reference_unit_price_fen, suggested_unit_price_fen FROM lot_markdown WHERE lot_id IN (?)', [flags.map((f) => f.lotId)]) as Array<Record<string, unknown>>)
        .map((r) => [String(r.lot_id), r]));
      await this.outbox.publish(em, ...flags.map((f) => {
        const lot = inStock.get(f.lotId)!;
        // the event carries the lot's standing markdown (its first one)
        const flag = stored.get(f.lotId)!;
        const priceOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
        return {
          eventType: UNSOLD_EVENTS.MARKED_DOWN, aggregateType: 'lot', aggregateId: f.lotId,
          payload: {
            companyId, lotId: f.lotId, warehouseId: String(lot.warehouse_id), skuId: String(lot.sku_id), day, markdownPercent: Number(flag.markdown_percent),
            referenceUnitPriceFen: priceOrNull(flag.reference_unit_price_fen), suggestedUnitPriceFen: priceOrNull(flag.suggested_unit_price_fen), unsoldBase: f.unsoldBase,
            lines: byLot.get(f.lotId)!.map((x) => ({ consignmentLineId: x.consignmentLineId, farmerId: x.farmerId, unsoldBase: x.unsoldBase })),
          },
        };
      }));
    });
    return byLot.size;
  }

  /** NOTIFY_RETURN: consignment-mode goods accepted and still at the point (neither batched nor handed back) when their period ended. */
  private async notifyReturn(companyId: string, slot: Date, day: string, periods: { min: number; max: number }): Promise<number> {
    const ends = { from: new Date(slot.getTime() - this.cfg.lookbackDays * DAY_MS), to: slot };
    const cap = this.captureWindow(ends, periods);
    const rows = await this.dataSource.query(
      `SELECT cl.id AS line_id, c.id AS consignment_id, c.receipt_no, c.point_id, c.farmer_id, cl.product_id,
              DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY) AS ends_at,
              CAST(cl.accepted_quantity_base AS SIGNED) - CAST(cl.batched_quantity_base AS SIGNED) - CAST(cl.handed_back_quantity_base AS SIGNED) AS unsold
       FROM consignment c JOIN consignment_line cl ON cl.consignment_id = c.id JOIN product p ON p.id = cl.product_id
       WHERE c.company_id = ? AND c.captured_at > ? AND c.captured_at <= ? AND cl.settlement_mode = 'CONSIGNMENT'
         AND cl.accepted_quantity_base > cl.batched_quantity_base + cl.handed_back_quantity_base
         AND DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY) > ? AND DATE_ADD(c.captured_at, INTERVAL p.consignment_period_days DAY) <= ?
         AND NOT EXISTS (SELECT 1 FROM unsold_action ua WHERE ua.lot_id = 0 AND ua.consignment_line_id = cl.id AND ua.stage = ?)
       ORDER BY cl.id`,
      [companyId, cap.from, cap.to, ends.from, ends.to, UnsoldStage.ACTED],
    ) as Array<Record<string, unknown>>;
    const lines = rows.map(toLineRow);
    if (lines.length === 0) return 0;
    await inTransaction(this.dataSource, async (em) => {
      await this.record(em, companyId, day, 'NOTIFY_RETURN', UnsoldStage.ACTED, lines.map((l) => ({ ...l, lotId: NO_LOT, amountFen: 0 })));
      await this.outbox.publish(em, ...lines.map((l) => ({
        eventType: UNSOLD_EVENTS.RETURN_REQUESTED, aggregateType: 'consignment_line', aggregateId: l.consignmentLineId,
        payload: {
          companyId, farmerId: l.farmerId, pointId: l.pointId, consignmentId: l.consignmentId, consignmentLineId: l.consignmentLineId, receiptNo: l.receiptNo,
          productId: l.productId, unsoldBase: l.unsoldBase, periodEndsAt: l.periodEndsAt.toISOString(),
        },
      })));
    });
    return lines.length;
  }

  /** Plain multi-row INSERT: a concurrent run of the same day loses on the unique key and rolls back whole. */
  private async record(
    em: EntityManager, companyId: string, day: string, policy: UnsoldPolicyName | UnsoldPolicy, stage: UnsoldStage,
    rows: Array<{ lotId: string; consignmentLineId: string; farmerId: string; unsoldBase: number; amountFen: number; periodEndsAt: Date }>,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + ROWS_PER_INSERT);
      await em.query(
        `INSERT INTO unsold_action (lot_id, consignment_line_id, farmer_id, stage, policy, unsold_base, amount_fen, company_id, business_day, period_ends_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((r) => [r.lotId, r.consignmentLineId, r.farmerId, stage, policy, r.unsoldBase, r.amountFen, companyId, day, r.periodEndsAt]),
      );
    }
  }
}

function toLineRow(r: Record<string, unknown>): LineRow {
  return {
    consignmentLineId: String(r.line_id), consignmentId: String(r.consignment_id), receiptNo: String(r.receipt_no), pointId: String(r.point_id), farmerId: String(r.farmer_id),
    productId: String(r.product_id), periodEndsAt: new Date(r.ends_at as string), unsoldBase: Number(r.unsold),
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}
