import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { assertCanActAtWarehouse, assertCanSeeWarehouse } from '../common/access/scope';
import { businessDay } from '../common/business-day';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { WarehouseConfig } from '../config';
import { inTransaction } from '../database/transaction';
import { WarehouseEntity } from '../organization/warehouse.entity';
import { OutboxService } from '../outbox/outbox.service';
import { AdjustmentDto, InventoryQueryDto } from './dto/warehouse-requests.dto';
import { AdjustmentKind, LotEntity, StockAdjustmentEntity } from './lot.entity';
import { addDays, WAREHOUSE_EVENTS } from './processing.service';

export type LotView = {
  id: string; lotNo: string | null; traceCode: string; warehouseId: string; skuId: string; skuCode?: string; skuName?: string; productId: string;
  packsProduced: number; onHandPacks: number; reservedPacks: number; availablePacks: number; expiredPacks: number;
  bestBefore: string; earliestIntakeAt: Date; packedAt: Date;
};

export const toLotView = (l: LotEntity): LotView => ({
  id: l.id, lotNo: l.lotNo, traceCode: l.traceCode, warehouseId: l.warehouseId, skuId: l.skuId, productId: l.productId,
  packsProduced: l.packsProduced, onHandPacks: l.onHandPacks, reservedPacks: l.reservedPacks, availablePacks: l.onHandPacks - l.reservedPacks,
  expiredPacks: l.expiredPacks, bestBefore: l.bestBefore, earliestIntakeAt: l.earliestIntakeAt, packedAt: l.packedAt,
});

const lotNotFound = () => new NotFoundError('批号', 'Lot', 'LOT_NOT_FOUND');
const insufficient = () => new ConflictError('LOT_STOCK_INSUFFICIENT', '批号可用库存不足', 'Not enough packs available in the lot');

/**
 * Stock per SKU lot per warehouse: on hand (reserved included), reserved, expired; adjustments only
 * as records with a reason; FEFO candidates and row-locked reserve/draw for sales; the
 * daily best-before job (near-expiry alerts, expiry).
 */
@Injectable()
export class InventoryService {
  private readonly config: WarehouseConfig;

  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService, private readonly outbox: OutboxService, config: ConfigService) {
    this.config = config.getOrThrow<WarehouseConfig>('warehouse');
  }

  /** A warehouse's lots with stock, in FEFO order, and totals per SKU. */
  async inventory(actor: Principal, warehouseId: string, query: InventoryQueryDto) {
    assertCanSeeWarehouse(actor, await this.dataSource.getRepository(WarehouseEntity).findOneBy({ id: warehouseId }));
    const rows = await this.dataSource.query(
      `SELECT l.*, s.code AS sku_code, s.name AS sku_name FROM lot l JOIN sku s ON s.id = l.sku_id
       WHERE l.warehouse_id = ? AND (l.on_hand_packs > 0 OR l.expired_packs > 0) ${query.skuId ? 'AND l.sku_id = ?' : ''}
       ORDER BY l.best_before, l.id LIMIT 1000`, query.skuId ? [warehouseId, query.skuId] : [warehouseId],
    ) as Array<Record<string, unknown>>;
    const lots = rows.map(rawLotView);
    const skus = new Map<string, { skuId: string; skuCode: string; skuName: string; onHandPacks: number; reservedPacks: number; availablePacks: number; expiredPacks: number; lots: number }>();
    for (const l of lots) {
      const s = skus.get(l.skuId) ?? { skuId: l.skuId, skuCode: l.skuCode as string, skuName: l.skuName as string, onHandPacks: 0, reservedPacks: 0, availablePacks: 0, expiredPacks: 0, lots: 0 };
      s.onHandPacks += l.onHandPacks; s.reservedPacks += l.reservedPacks; s.availablePacks += l.availablePacks; s.expiredPacks += l.expiredPacks; s.lots += 1;
      skus.set(l.skuId, s);
    }
    return { warehouseId, skus: [...skus.values()], lots };
  }

  async getLot(actor: Principal, lotId: string): Promise<LotView & { adjustments: StockAdjustmentEntity[] }> {
    const lot = await this.requireVisibleLot(actor, lotId);
    const adjustments = await this.dataSource.getRepository(StockAdjustmentEntity).find({ where: { lotId }, order: { id: 'ASC' } });
    return { ...toLotView(lot), adjustments };
  }

  /** The lot if the caller may see its warehouse (else 404). */
  async requireVisibleLot(actor: Principal, lotId: string, em: EntityManager = this.dataSource.manager): Promise<LotEntity> {
    const lot = await em.getRepository(LotEntity).findOneBy({ id: lotId });
    if (!lot || lot.companyId !== actor.companyId) throw lotNotFound();
    try {
      assertCanSeeWarehouse(actor, { id: lot.warehouseId, companyId: lot.companyId });
    } catch {
      throw lotNotFound();
    }
    return lot;
  }

  /** Count corrections and breakage: a record with a reason; on hand never drops below reserved. Idempotent by requestId. */
  async adjust(actor: Principal, lotId: string, dto: AdjustmentDto): Promise<{ created: boolean; lot: LotView }> {
    return inTransaction(this.dataSource, async (em) => {
      const lot = await em.getRepository(LotEntity).findOne({ where: { id: lotId }, lock: { mode: 'pessimistic_write' } });
      if (!lot || lot.companyId !== actor.companyId) throw lotNotFound();
      try {
        assertCanActAtWarehouse(actor, { id: lot.warehouseId, companyId: lot.companyId });
      } catch {
        throw lotNotFound();
      }
      const existing = await em.getRepository(StockAdjustmentEntity).findOneBy({ requestId: dto.requestId });
      if (existing) {
        if (existing.lotId !== lotId || existing.deltaPacks !== dto.deltaPacks || existing.kind !== dto.kind) {
          throw new ConflictError('REQUEST_ID_REUSED', '该请求编号已用于另一请求', 'This requestId was already used for a different request');
        }
        return { created: false, lot: toLotView(lot) };
      }
      const onHand = lot.onHandPacks + dto.deltaPacks;
      if (onHand < lot.reservedPacks) {
        throw fieldRuleViolation('ADJUSTMENT_BELOW_RESERVED', 'deltaPacks', `调整后在库 ${onHand} 包少于已预留 ${lot.reservedPacks} 包`, `on hand would be ${onHand}, below the ${lot.reservedPacks} reserved`);
      }
      await em.getRepository(StockAdjustmentEntity).insert({
        lotId, warehouseId: lot.warehouseId, requestId: dto.requestId, kind: dto.kind, deltaPacks: dto.deltaPacks, reason: dto.reason, actorId: actor.id, adjustedAt: new Date(),
      });
      await em.getRepository(LotEntity).update({ id: lotId }, { onHandPacks: onHand });
      await this.audit.record(em, actor, { entityType: 'lot', entityId: lotId, action: 'adjust', before: { onHandPacks: lot.onHandPacks }, after: { onHandPacks: onHand, kind: dto.kind }, reason: dto.reason });
      return { created: true, lot: toLotView({ ...lot, onHandPacks: onHand }) };
    });
  }

  // ---- for sales: FEFO, reservations and draws with row locks ----

  /** Lots of a SKU at a warehouse with packs available and not past best-before, first expiring first. */
  async fefoCandidates(companyId: string, warehouseId: string, skuId: string, today = businessDay(new Date())): Promise<LotView[]> {
    const lots = await this.dataSource.getRepository(LotEntity).createQueryBuilder('l')
      .where('l.company_id = :companyId AND l.warehouse_id = :warehouseId AND l.sku_id = :skuId', { companyId, warehouseId, skuId })
      .andWhere('l.best_before >= :today AND l.on_hand_packs > l.reserved_packs', { today })
      .orderBy('l.best_before', 'ASC').addOrderBy('l.id', 'ASC').getMany();
    return lots.map(toLotView);
  }

  /**
   * For a sale in the caller's transaction: the SKUs' sellable lots at a warehouse in FEFO order,
   * row-locked (a concurrent sale of the same lots waits, then sees what is left).
   */
  async lockFefoCandidates(em: EntityManager, companyId: string, warehouseId: string, skuIds: string[], today = businessDay(new Date())): Promise<LotView[]> {
    if (skuIds.length === 0) return [];
    const rows = await em.query(
      `SELECT * FROM lot WHERE company_id = ? AND warehouse_id = ? AND sku_id IN (?) AND best_before >= ? AND on_hand_packs > reserved_packs
       ORDER BY sku_id, best_before, id FOR UPDATE`, [companyId, warehouseId, skuIds, today],
    ) as Array<Record<string, unknown>>;
    return rows.map(rawLotView);
  }

  /** Named lots, row-locked, in id order (those of other companies are left out). */
  async lockLots(em: EntityManager, companyId: string, lotIds: string[]): Promise<LotView[]> {
    if (lotIds.length === 0) return [];
    const rows = await em.query('SELECT * FROM lot WHERE company_id = ? AND id IN (?) ORDER BY id FOR UPDATE', [companyId, lotIds]) as Array<Record<string, unknown>>;
    return rows.map(rawLotView);
  }

  /** Returned packs of a sale back on a lot's stock (a refund with restock). */
  async returnPacks(em: EntityManager, lotId: string, packs: number): Promise<void> {
    await this.changeOne(em, 'UPDATE lot SET on_hand_packs = on_hand_packs + ? WHERE id = ? AND on_hand_packs + ? <= packs_produced', [packs, lotId, packs]);
  }

  /** Reserves packs of a lot in the caller's transaction (409 if not enough are available). */
  async reservePacks(em: EntityManager, lotId: string, packs: number): Promise<void> {
    await this.changeOne(em, 'UPDATE lot SET reserved_packs = reserved_packs + ? WHERE id = ? AND on_hand_packs - reserved_packs >= ?', [packs, lotId, packs]);
  }

  async releaseReservation(em: EntityManager, lotId: string, packs: number): Promise<void> {
    await this.changeOne(em, 'UPDATE lot SET reserved_packs = reserved_packs - ? WHERE id = ? AND reserved_packs >= ?', [packs, lotId, packs]);
  }

  /** Takes packs out of stock, from a reservation or from what is available. */
  async drawPacks(em: EntityManager, lotId: string, packs: number, fromReservation: boolean): Promise<void> {
    await this.changeOne(em, fromReservation
      ? 'UPDATE lot SET reserved_packs = reserved_packs - ?, on_hand_packs = on_hand_packs - ? WHERE id = ? AND reserved_packs >= ? AND on_hand_packs >= ?'
      : 'UPDATE lot SET on_hand_packs = on_hand_packs - ? WHERE id = ? AND on_hand_packs - reserved_packs >= ?',
    fromReservation ? [packs, packs, lotId, packs, packs] : [packs, lotId, packs]);
  }

  /**
   * Daily job: publishes `lot.nearing_best_before` once per lot with stock whose best-before is
   * within the configured days; moves the unreserved packs of lots past best-before to expired
   * (with an EXPIRED adjustment record each).
   */
  async bestBeforeRun(now: Date): Promise<{ nearing: number; expired: number }> {
    const today = businessDay(now);
    const horizon = addDays(today, this.config.nearBestBeforeDays);
    const nearing = await inTransaction(this.dataSource, async (em) => {
      const rows = await em.query(
        `SELECT id, lot_no, trace_code, company_id, warehouse_id, sku_id, product_id, best_before, on_hand_packs FROM lot
         WHERE best_before BETWEEN ? AND ? AND near_best_before_alerted_at IS NULL AND on_hand_packs > 0
         ORDER BY id LIMIT 5000 FOR UPDATE SKIP LOCKED`, [today, horizon],
      ) as Array<Record<string, string | number | Date>>;
      if (rows.length === 0) return 0;
      await em.query('UPDATE lot SET near_best_before_alerted_at = ? WHERE id IN (?)', [now, rows.map((r) => r.id)]);
      await this.outbox.publish(em, ...rows.map((r) => ({
        eventType: WAREHOUSE_EVENTS.LOT_NEARING_BEST_BEFORE, aggregateType: 'lot', aggregateId: String(r.id),
        payload: {
          lotId: String(r.id), lotNo: r.lot_no, traceCode: r.trace_code, companyId: String(r.company_id), warehouseId: String(r.warehouse_id),
          skuId: String(r.sku_id), productId: String(r.product_id), bestBefore: dateOnly(r.best_before), onHandPacks: Number(r.on_hand_packs),
        },
      })));
      return rows.length;
    });
    const expired = await inTransaction(this.dataSource, async (em) => {
      const rows = await em.query(
        `SELECT id, warehouse_id, on_hand_packs - reserved_packs AS unreserved FROM lot
         WHERE best_before < ? AND on_hand_packs > reserved_packs ORDER BY id LIMIT 5000 FOR UPDATE SKIP LOCKED`, [today],
      ) as Array<{ id: string; warehouse_id: string; unreserved: number }>;
      if (rows.length === 0) return 0;
      await em.query(
        `INSERT INTO stock_adjustment (lot_id, warehouse_id, request_id, kind, delta_packs, reason, actor_id, adjusted_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, NULL, ?)').join(', ')}`,
        rows.flatMap((r) => [r.id, r.warehouse_id, `expire:${r.id}:${today}`, AdjustmentKind.EXPIRED, -Number(r.unreserved), `超过保质期 ${today}`, now]),
      );
      await em.query('UPDATE lot SET expired_packs = expired_packs + (on_hand_packs - reserved_packs), on_hand_packs = reserved_packs WHERE id IN (?)', [rows.map((r) => r.id)]);
      await this.outbox.publish(em, ...rows.map((r) => ({
        eventType: WAREHOUSE_EVENTS.LOT_EXPIRED, aggregateType: 'lot', aggregateId: String(r.id),
        payload: { lotId: String(r.id), warehouseId: String(r.warehouse_id), expiredPacks: Number(r.unreserved), day: today },
      })));
      return rows.length;
    });
    return { nearing, expired };
  }

  private async changeOne(em: EntityManager, sql: string, params: unknown[]): Promise<void> {
    const result = await em.query(sql, params);
    if ((result as { affectedRows: number }).affectedRows !== 1) throw insufficient();
  }
}

function dateOnly(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

function rawLotView(r: Record<string, unknown>): LotView {
  const n = (k: string) => Number(r[k]);
  return {
    id: String(r.id), lotNo: r.lot_no as string, traceCode: r.trace_code as string, warehouseId: String(r.warehouse_id), skuId: String(r.sku_id),
    skuCode: r.sku_code as string, skuName: r.sku_name as string, productId: String(r.product_id), packsProduced: n('packs_produced'),
    onHandPacks: n('on_hand_packs'), reservedPacks: n('reserved_packs'), availablePacks: n('on_hand_packs') - n('reserved_packs'),
    expiredPacks: n('expired_packs'), bestBefore: dateOnly(r.best_before), earliestIntakeAt: r.earliest_intake_at as Date, packedAt: r.packed_at as Date,
  };
}
