import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { lineAmountFen } from '../common/money';
import { WarehouseConfig } from '../config';
import { inTransaction } from '../database/transaction';
import { DomainEvent, OutboxService } from '../outbox/outbox.service';
import { BatchAccess } from './batch-access';
import { BatchItemEntity } from './batch-item.entity';
import { BatchReceiptEntity } from './batch-receipt.entity';
import { assertBatchStatus, BatchStatus, LossBearer, LossCause } from './batch-status';
import { BatchView, ChargebackView, toChargebackView } from './batch-views';
import { BatchEntity } from './batch.entity';
import { BATCH_EVENTS, BatchesService, WriteResult } from './batches.service';
import { ChargebackEntity, ChargebackKind } from './chargeback.entity';
import { ChargebackDto, ReceiveBatchDto } from './dto/batch-requests.dto';
import { TransitLossEntity } from './transit-loss.entity';

/** Rows per multi-row statement when receiving big batches. */
const CHUNK = 1000;

type NewLoss = { item: BatchItemEntity; cause: LossCause; quantityBase: number; note: string | null };
type NewChargeback = Omit<ChargebackEntity, 'id' | 'createdAt'>;

/**
 * Receiving (收货) at the warehouse, by its staff: received and damaged quantities per manifest line,
 * in one or several idempotent steps; the rest of a line closed as complete is lost in transit.
 * Every loss gets a cause and a bearer by policy. Also latent-defect chargebacks and closing.
 */
@Injectable()
export class ReceivingService {
  private readonly config: WarehouseConfig;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly access: BatchAccess,
    private readonly batches: BatchesService,
    config: ConfigService,
  ) {
    this.config = config.getOrThrow<WarehouseConfig>('warehouse');
  }

  /**
   * One receiving step. Set-based: the items are read once, and receipt lines, item counters and
   * losses are written with multi-row statements, so a 2,000-line batch is a handful of queries.
   */
  async receive(actor: Principal, id: string, dto: ReceiveBatchDto): Promise<WriteResult> {
    const seen = new Set<string>();
    dto.lines.forEach((l, i) => {
      if (seen.has(l.batchItemId)) throw fieldRuleViolation('ITEM_DUPLICATE', `lines.${i}.batchItemId`, '同一批次行重复', 'batch item appears twice');
      seen.add(l.batchItemId);
    });
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForWarehouse(em, actor, id);
      if (await this.access.claimRequest(em, id, dto.requestId, 'RECEIVE', dto) === 'replay') return { created: false, batch: await this.batches.detail(em, id) };
      assertBatchStatus(batch.status, [BatchStatus.DISPATCHED, BatchStatus.RECEIVED], '收货');
      const items = await em.getRepository(BatchItemEntity).findBy({ batchId: id });
      const byId = new Map(items.map((i) => [i.id, i]));
      const changed: BatchItemEntity[] = [];
      const receiptLines: Array<[string, number, number, number]> = [];
      const losses: NewLoss[] = [];
      dto.lines.forEach((line, i) => {
        const f = `lines.${i}`;
        const item = byId.get(line.batchItemId);
        if (!item) throw fieldRuleViolation('BATCH_ITEM_NOT_FOUND', `${f}.batchItemId`, '不是本批次的行', 'not an item of this batch');
        if (item.accounted) {
          throw new ConflictError('ITEM_ALREADY_ACCOUNTED', `${f}: 该行已收货完毕`, `${f}: this item is already fully accounted for`,
            [{ field: `${f}.batchItemId`, message: '已收货完毕', messageEn: 'already accounted for' }]);
        }
        const damaged = line.damagedQuantityBase ?? 0;
        if (line.receivedQuantityBase + damaged === 0 && !line.complete) {
          throw fieldRuleViolation('RECEIPT_LINE_EMPTY', f, '实收与破损均为 0，且未标记清点完毕', 'nothing received or damaged, and not marked complete');
        }
        const receivedTotal = item.receivedBase + line.receivedQuantityBase;
        const damagedTotal = item.damagedBase + damaged;
        const counted = receivedTotal + damagedTotal;
        let lost = 0;
        if (counted > item.quantityBase) {
          if (!line.surplusReason) {
            throw fieldRuleViolation('RECEIVED_EXCEEDS_SHIPPED', `${f}.receivedQuantityBase`,
              `实收 ${counted} 超过发货 ${item.quantityBase}（基本单位），如确有多出请填写原因`, `${counted} counted is more than the ${item.quantityBase} shipped; declare a surplusReason`);
          }
          item.surplusBase = counted - item.quantityBase;
          item.surplusReason = line.surplusReason;
          item.accounted = true;
        } else if (counted === item.quantityBase || line.complete) {
          lost = item.quantityBase - counted;
          item.accounted = true;
        }
        item.receivedBase = receivedTotal;
        item.damagedBase = damagedTotal;
        item.lostBase = lost;
        changed.push(item);
        receiptLines.push([item.id, line.receivedQuantityBase, damaged, lost]);
        if (damaged > 0) losses.push({ item, cause: line.damageCause ?? LossCause.DAMAGED, quantityBase: damaged, note: line.note ?? null });
        if (lost > 0) losses.push({ item, cause: line.lossCause ?? LossCause.LOST, quantityBase: lost, note: line.note ?? null });
      });

      const now = new Date();
      const receipt = await em.createQueryBuilder().insert().into(BatchReceiptEntity)
        .values({ batchId: id, requestId: dto.requestId, receivedBy: actor.id, lineCount: dto.lines.length, note: dto.note ?? null }).updateEntity(false).execute();
      const receiptId = String((receipt.raw as { insertId: number }).insertId);
      await chunked(em, receiptLines, 'INSERT INTO batch_receipt_line (receipt_id, batch_item_id, received_base, damaged_base, lost_base) VALUES', '(?, ?, ?, ?, ?)',
        (r) => [receiptId, ...r]);
      // One statement per chunk updates every changed item (the rows exist, so each one is an update).
      await chunked(em, changed,
        `INSERT INTO batch_item (id, batch_id, consignment_line_id, consignment_id, farmer_id, product_id, quantity_base, received_base, damaged_base, lost_base, surplus_base, surplus_reason, accounted) VALUES`,
        '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        (i) => [i.id, i.batchId, i.consignmentLineId, i.consignmentId, i.farmerId, i.productId, i.quantityBase, i.receivedBase, i.damagedBase, i.lostBase, i.surplusBase, i.surplusReason, i.accounted ? 1 : 0],
        ` ON DUPLICATE KEY UPDATE received_base = VALUES(received_base), damaged_base = VALUES(damaged_base), lost_base = VALUES(lost_base),
          surplus_base = VALUES(surplus_base), surplus_reason = VALUES(surplus_reason), accounted = VALUES(accounted)`);
      const bearer = this.config.transitLossBearer === 'FARMER' ? LossBearer.FARMER : LossBearer.COMPANY;
      await chunked(em, losses,
        'INSERT INTO transit_loss (batch_id, batch_item_id, receipt_id, consignment_line_id, farmer_id, product_id, cause, quantity_base, bearer, note) VALUES',
        '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        (l) => [id, l.item.id, receiptId, l.item.consignmentLineId, l.item.farmerId, l.item.productId, l.cause, l.quantityBase, bearer, l.note]);

      const events: DomainEvent[] = [];
      if (bearer === LossBearer.FARMER && losses.length) {
        const prices = await this.linePrices(em, losses.map((l) => l.item.consignmentLineId));
        for (const l of losses) {
          const cb = await this.insertChargeback(em, {
            requestId: null, companyId: batch.companyId, batchId: id, batchItemId: l.item.id, consignmentLineId: l.item.consignmentLineId,
            farmerId: l.item.farmerId, productId: l.item.productId, kind: ChargebackKind.TRANSIT_LOSS, quantityBase: l.quantityBase,
            amountFen: amountOf(prices.get(l.item.consignmentLineId), l.quantityBase), reason: `运输损耗（${l.cause}），按政策由农户承担`,
            evidenceNote: l.note, evidencePhotos: [], recordedBy: actor.id,
          });
          events.push(...chargebackEvent(cb));
        }
      }
      // The first receipt means the truck is being unloaded (RECEIVED); the batch closes by itself
      // once every line is accounted for (received + damaged + lost = shipped, surplus declared).
      const complete = items.every((i) => i.accounted);
      const status = complete ? BatchStatus.CLOSED : BatchStatus.RECEIVED;
      const batchChanges: Partial<BatchEntity> = { status };
      if (!batch.receivingStartedAt) batchChanges.receivingStartedAt = now;
      if (complete) Object.assign(batchChanges, { receivedAt: now, closedAt: now, closedBy: actor.id });
      await em.getRepository(BatchEntity).update({ id }, batchChanges);
      if (complete) {
        events.push(await this.receivedEvent(em, batch, items, now), {
          eventType: BATCH_EVENTS.CLOSED, aggregateType: 'batch', aggregateId: id,
          payload: { batchId: id, batchNo: batch.batchNo, companyId: batch.companyId, pointId: batch.pointId, warehouseId: batch.warehouseId },
        });
      }
      await this.outbox.publish(em, ...events);
      await this.audit.record(em, actor, {
        entityType: 'batch', entityId: id, action: 'receive',
        before: { status: batch.status }, after: { receiptId, lines: dto.lines.length, losses: losses.length, status },
      });
      return { created: true, batch: await this.batches.detail(em, id) };
    });
  }

  /**
   * A latent defect found at the warehouse (e.g. 坛子菜 spoiled under an intact seal), charged back to
   * the farmer's line with evidence, at the line's locked accepted price. Idempotent by requestId.
   */
  async chargeback(actor: Principal, batchId: string, itemId: string, dto: ChargebackDto): Promise<{ created: boolean; chargeback: ChargebackView }> {
    if (!dto.evidenceNote && !dto.evidencePhotos?.length) {
      throw fieldRuleViolation('EVIDENCE_REQUIRED', 'evidenceNote', '须提供证据说明或照片', 'evidence (a note or photos) is required');
    }
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForWarehouse(em, actor, batchId);
      if (await this.access.claimRequest(em, batchId, dto.requestId, 'CHARGEBACK', { itemId, ...dto }) === 'replay') {
        return { created: false, chargeback: toChargebackView(await em.getRepository(ChargebackEntity).findOneByOrFail({ requestId: dto.requestId })) };
      }
      assertBatchStatus(batch.status, [BatchStatus.DISPATCHED, BatchStatus.RECEIVED, BatchStatus.CLOSED], '扣回');
      const item = await em.getRepository(BatchItemEntity).findOne({ where: { id: itemId, batchId }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw new NotFoundError('批次行', 'Batch item', 'BATCH_ITEM_NOT_FOUND');
      const available = item.receivedBase - item.processedBase - item.chargedBackBase;
      if (dto.quantityBase > available) {
        throw fieldRuleViolation('QUANTITY_EXCEEDS_RECEIVED', 'quantityBase', `超过仓库中尚未加工的实收数量 ${available}`, `more than the ${available} base units received and not yet processed`);
      }
      await em.getRepository(BatchItemEntity).update({ id: itemId }, { chargedBackBase: item.chargedBackBase + dto.quantityBase });
      const prices = await this.linePrices(em, [item.consignmentLineId]);
      const cb = await this.insertChargeback(em, {
        requestId: dto.requestId, companyId: batch.companyId, batchId, batchItemId: itemId, consignmentLineId: item.consignmentLineId,
        farmerId: item.farmerId, productId: item.productId, kind: ChargebackKind.LATENT_DEFECT, quantityBase: dto.quantityBase,
        amountFen: amountOf(prices.get(item.consignmentLineId), dto.quantityBase), reason: dto.reason,
        evidenceNote: dto.evidenceNote ?? null, evidencePhotos: dto.evidencePhotos ?? [], recordedBy: actor.id,
      });
      await this.outbox.publish(em, ...chargebackEvent(cb));
      await this.audit.record(em, actor, { entityType: 'chargeback', entityId: cb.id, action: 'create', after: { batchItemId: itemId, quantityBase: cb.quantityBase, amountFen: cb.amountFen }, reason: dto.reason });
      return { created: true, chargeback: toChargebackView(cb) };
    });
  }

  /**
   * Timed job: publishes `batch.stale` once per batch dispatched longer than the configured hours
   * ago and still not received; the batch is marked so a later run does not repeat it.
   */
  async alertStale(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.staleBatchHours * 3600_000);
    return inTransaction(this.dataSource, async (em) => {
      const rows = await em.query(
        `SELECT id, batch_no, company_id, point_id, warehouse_id, dispatched_at, departed_at FROM batch
         WHERE status = ? AND dispatched_at < ? AND COALESCE(departed_at, dispatched_at) < ? AND stale_alerted_at IS NULL
         ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED`, [BatchStatus.DISPATCHED, cutoff, cutoff],
      ) as Array<{ id: string; batch_no: string; company_id: string; point_id: string; warehouse_id: string; dispatched_at: Date; departed_at: Date | null }>;
      if (rows.length === 0) return 0;
      await em.query('UPDATE batch SET stale_alerted_at = ? WHERE id IN (?)', [now, rows.map((r) => r.id)]);
      await this.outbox.publish(em, ...rows.map((r) => ({
        eventType: BATCH_EVENTS.STALE, aggregateType: 'batch', aggregateId: String(r.id),
        payload: {
          batchId: String(r.id), batchNo: r.batch_no, companyId: String(r.company_id), pointId: String(r.point_id), warehouseId: String(r.warehouse_id),
          dispatchedAt: r.dispatched_at, departedAt: r.departed_at, staleAfterHours: this.config.staleBatchHours,
        },
      })));
      return rows.length;
    });
  }

  private async receivedEvent(em: EntityManager, batch: BatchEntity, items: BatchItemEntity[], at: Date): Promise<DomainEvent> {
    const losses = await em.getRepository(TransitLossEntity).find({ where: { batchId: batch.id }, order: { id: 'ASC' } });
    const sum = (k: keyof BatchItemEntity) => items.reduce((s, i) => s + Number(i[k]), 0);
    return {
      eventType: BATCH_EVENTS.RECEIVED, aggregateType: 'batch', aggregateId: batch.id,
      payload: {
        batchId: batch.id, batchNo: batch.batchNo, companyId: batch.companyId, pointId: batch.pointId, warehouseId: batch.warehouseId,
        receivedAt: at.toISOString(), lineCount: items.length, shippedBase: sum('quantityBase'), receivedBase: sum('receivedBase'),
        damagedBase: sum('damagedBase'), lostBase: sum('lostBase'), surplusBase: sum('surplusBase'),
        losses: losses.map((l) => ({ transitLossId: l.id, batchItemId: l.batchItemId, consignmentLineId: l.consignmentLineId, farmerId: l.farmerId, productId: l.productId, cause: l.cause, quantityBase: l.quantityBase, bearer: l.bearer })),
      },
    };
  }

  /** The locked accepted price of each line: accepted amount over accepted quantity (the grades' prices, weighted). */
  private async linePrices(em: EntityManager, lineIds: string[]): Promise<Map<string, LinePrice>> {
    const rows = await em.query('SELECT id, accepted_amount_fen, accepted_quantity_base FROM consignment_line WHERE id IN (?)', [[...new Set(lineIds)]]) as
      Array<{ id: string; accepted_amount_fen: string; accepted_quantity_base: number }>;
    return new Map(rows.map((r) => [String(r.id), { amountFen: Number(r.accepted_amount_fen), quantityBase: Number(r.accepted_quantity_base) }]));
  }

  private async insertChargeback(em: EntityManager, values: NewChargeback): Promise<ChargebackEntity> {
    const result = await em.getRepository(ChargebackEntity).insert(values);
    return em.getRepository(ChargebackEntity).findOneByOrFail({ id: String(result.identifiers[0].id) });
  }
}

type LinePrice = { amountFen: number; quantityBase: number };

/** Quantity × the line's locked price per base unit, rounded half up once (`lineAmountFen`). */
function amountOf(price: LinePrice | undefined, quantityBase: number): number {
  if (!price || price.quantityBase <= 0) return 0;
  return lineAmountFen(price.amountFen, quantityBase, price.quantityBase);
}

/**
 * The ledger's contract (do not rename): `warehouse.chargeback_recorded` with
 * `{ sourceKey: 'chargeback:<id>', chargebackId, companyId, farmerId, consignmentLineId, productId, quantityBase, amountFen, reason }`,
 * amountFen a positive integer to deduct. A chargeback worth 0 fen has nothing to deduct and is not published.
 */
export function chargebackEvent(cb: ChargebackEntity): DomainEvent[] {
  if (cb.amountFen <= 0) return [];
  return [{
    eventType: BATCH_EVENTS.CHARGEBACK_RECORDED, aggregateType: 'chargeback', aggregateId: cb.id,
    payload: {
      sourceKey: `chargeback:${cb.id}`, chargebackId: cb.id, companyId: cb.companyId, farmerId: cb.farmerId, consignmentLineId: cb.consignmentLineId,
      productId: cb.productId, quantityBase: cb.quantityBase, amountFen: cb.amountFen, reason: cb.reason,
    },
  }];
}

/** Runs a multi-row statement over rows in chunks. */
async function chunked<T>(em: EntityManager, rows: T[], head: string, tuple: string, values: (row: T) => unknown[], tail = ''): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await em.query(`${head} ${chunk.map(() => tuple).join(', ')}${tail}`, chunk.flatMap(values));
  }
}
