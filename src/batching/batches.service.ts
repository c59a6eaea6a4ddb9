import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { scopeByPoint, scopeByWarehouse } from '../common/access/scope';
import { businessDay } from '../common/business-day';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { Page, paginate } from '../common/pagination';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { LineBatchingService } from '../intake/line-batching.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { WarehousesService } from '../organization/warehouses.service';
import { OutboxService } from '../outbox/outbox.service';
import { BatchAccess } from './batch-access';
import { BatchItemEntity } from './batch-item.entity';
import { assertBatchStatus, BatchStatus, CarrierKind } from './batch-status';
import { BatchView, toBatchView } from './batch-views';
import { BatchEntity, ManifestTotals } from './batch.entity';
import { ChargebackEntity } from './chargeback.entity';
import { AddBatchItemsDto, CancelBatchDto, CreateBatchDto, DispatchBatchDto, ListBatchesQueryDto } from './dto/batch-requests.dto';
import { TransitLossEntity } from './transit-loss.entity';

export const BATCH_EVENTS = {
  SEALED: 'batch.sealed',
  DISPATCHED: 'batch.dispatched',
  CANCELLED: 'batch.cancelled',
  RECEIVED: 'batch.received',
  CLOSED: 'batch.closed',
  STALE: 'batch.stale',
  CHARGEBACK_RECORDED: 'warehouse.chargeback_recorded',
} as const;

export type WriteResult = { created: boolean; batch: BatchView };

/** Batches (批次) at the point: open, add consignment lines, seal, dispatch, cancel; reads for everyone in scope. */
@Injectable()
export class BatchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly access: BatchAccess,
    private readonly points: CommercePointsService,
    private readonly warehouses: WarehousesService,
    private readonly lines: LineBatchingService,
  ) {}

  /** Opens a batch at a point for a warehouse of the same company; once per client UUID. */
  async create(actor: Principal, dto: CreateBatchDto): Promise<WriteResult> {
    const existing = await this.dataSource.getRepository(BatchEntity).findOneBy({ clientId: dto.clientId });
    if (existing) return this.replayCreate(actor, existing, dto);
    const point = await this.points.requireActivePointForAction(actor, dto.pointId);
    const warehouse = await this.warehouses.requireCompanyWarehouse(actor.companyId, dto.warehouseId).catch((err) => {
      throw err instanceof NotFoundError ? fieldRuleViolation('WAREHOUSE_NOT_FOUND', 'warehouseId', '仓库不存在', 'warehouse not found in your company') : err;
    });
    if (!warehouse.active) throw fieldRuleViolation('WAREHOUSE_INACTIVE', 'warehouseId', '仓库已停用', 'warehouse is inactive');
    try {
      const id = await inTransaction(this.dataSource, async (em) => {
        const inserted = await em.getRepository(BatchEntity).insert({
          companyId: actor.companyId, pointId: point.id, warehouseId: warehouse.id, clientId: dto.clientId, status: BatchStatus.OPEN,
          note: dto.note ?? null, createdBy: actor.id,
        });
        const batchId = String(inserted.identifiers[0].id);
        const batchNo = `${point.code}-${businessDay(new Date()).replace(/-/g, '')}-B${batchId}`;
        await em.getRepository(BatchEntity).update({ id: batchId }, { batchNo });
        await this.audit.record(em, actor, { entityType: 'batch', entityId: batchId, action: 'create', after: { batchNo, pointId: point.id, warehouseId: warehouse.id } });
        return batchId;
      });
      return { created: true, batch: await this.detail(this.dataSource.manager, id) };
    } catch (err) {
      const winner = isDuplicateKeyError(err) ? await this.dataSource.getRepository(BatchEntity).findOneBy({ clientId: dto.clientId }) : null;
      if (winner) return this.replayCreate(actor, winner, dto);
      throw err;
    }
  }

  /** Adds accepted consignment-line quantities; a line already in the batch is merged. Idempotent by requestId. */
  async addItems(actor: Principal, id: string, dto: AddBatchItemsDto): Promise<WriteResult> {
    const seen = new Set<string>();
    dto.items.forEach((item, i) => {
      if (seen.has(item.consignmentLineId)) throw fieldRuleViolation('LINE_DUPLICATE', `items.${i}.consignmentLineId`, '同一行重复', 'line appears twice');
      seen.add(item.consignmentLineId);
    });
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForPoint(em, actor, id);
      if (await this.access.claimRequest(em, id, dto.requestId, 'ADD', dto) === 'replay') return { created: false, batch: await this.detail(em, id) };
      assertBatchStatus(batch.status, [BatchStatus.OPEN], '装批');
      const claimed = await this.lines.claim(em, { companyId: batch.companyId, pointId: batch.pointId },
        dto.items.map((item, i) => ({ lineId: item.consignmentLineId, quantityBase: item.quantityBase, field: `items.${i}.consignmentLineId` })));
      await em.query(
        `INSERT INTO batch_item (batch_id, consignment_line_id, consignment_id, farmer_id, product_id, quantity_base)
         VALUES ${claimed.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         ON DUPLICATE KEY UPDATE quantity_base = quantity_base + VALUES(quantity_base)`,
        claimed.flatMap((c) => [id, c.lineId, c.consignmentId, c.farmerId, c.productId, c.quantityBase]),
      );
      await this.audit.record(em, actor, {
        entityType: 'batch', entityId: id, action: 'add_items',
        after: { items: claimed.map((c) => ({ consignmentLineId: c.lineId, quantityBase: c.quantityBase })) },
      });
      return { created: true, batch: await this.detail(em, id) };
    });
  }

  /** Takes an item out of an open batch and gives its quantity back to the line. */
  async removeItem(actor: Principal, id: string, itemId: string): Promise<BatchView> {
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForPoint(em, actor, id);
      assertBatchStatus(batch.status, [BatchStatus.OPEN], '移除批次行');
      const item = await em.getRepository(BatchItemEntity).findOneBy({ id: itemId, batchId: id });
      if (!item) throw new NotFoundError('批次行', 'Batch item', 'BATCH_ITEM_NOT_FOUND');
      await this.lines.release(em, [{ lineId: item.consignmentLineId, quantityBase: item.quantityBase }]);
      await em.getRepository(BatchItemEntity).delete({ id: itemId });
      await this.audit.record(em, actor, { entityType: 'batch', entityId: id, action: 'remove_item', before: { consignmentLineId: item.consignmentLineId, quantityBase: item.quantityBase } });
      return this.detail(em, id);
    });
  }

  /** Freezes the manifest: per line and per product totals, count of farmers. */
  async seal(actor: Principal, id: string): Promise<BatchView> {
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForPoint(em, actor, id);
      const items = await em.getRepository(BatchItemEntity).findBy({ batchId: id });
      if (batch.status === BatchStatus.OPEN && items.length === 0) throw batchEmpty('封批');
      assertBatchStatus(batch.status, [BatchStatus.OPEN], '封批');
      const manifestTotals = manifestTotalsOf(items);
      await em.getRepository(BatchEntity).update({ id }, { status: BatchStatus.SEALED, sealedAt: new Date(), sealedBy: actor.id, manifestTotals });
      await this.audit.record(em, actor, { entityType: 'batch', entityId: id, action: 'seal', before: { status: batch.status }, after: { status: BatchStatus.SEALED, ...manifestTotals } });
      await this.outbox.publish(em, {
        eventType: BATCH_EVENTS.SEALED, aggregateType: 'batch', aggregateId: id,
        payload: { batchId: id, batchNo: batch.batchNo, companyId: batch.companyId, pointId: batch.pointId, warehouseId: batch.warehouseId, ...manifestTotals },
      });
      return this.detail(em, id);
    });
  }

  /** Records the vehicle and departure of a sealed batch. */
  async dispatch(actor: Principal, id: string, dto: DispatchBatchDto): Promise<BatchView> {
    if (dto.carrierKind === CarrierKind.CARRIER && !dto.carrierName) {
      throw fieldRuleViolation('CARRIER_NAME_REQUIRED', 'carrierName', '委托承运商时须填写承运商名称', 'carrierName is required for a carrier');
    }
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForPoint(em, actor, id);
      const items = await em.getRepository(BatchItemEntity).findBy({ batchId: id });
      if (items.length === 0 && [BatchStatus.OPEN, BatchStatus.SEALED].includes(batch.status)) throw batchEmpty('发车');
      assertBatchStatus(batch.status, [BatchStatus.SEALED], '发车');
      const changes = {
        status: BatchStatus.DISPATCHED, dispatchedAt: new Date(), dispatchedBy: actor.id, vehiclePlate: dto.vehiclePlate, driverName: dto.driverName,
        driverPhone: dto.driverPhone, carrierKind: dto.carrierKind, carrierName: dto.carrierName ?? null, departedAt: new Date(dto.departedAt),
      };
      await em.getRepository(BatchEntity).update({ id }, changes);
      await this.audit.record(em, actor, { entityType: 'batch', entityId: id, action: 'dispatch', before: { status: batch.status }, after: changes });
      await this.outbox.publish(em, {
        eventType: BATCH_EVENTS.DISPATCHED, aggregateType: 'batch', aggregateId: id,
        payload: {
          batchId: id, batchNo: batch.batchNo, companyId: batch.companyId, pointId: batch.pointId, warehouseId: batch.warehouseId,
          vehiclePlate: dto.vehiclePlate, driverName: dto.driverName, driverPhone: dto.driverPhone, carrierKind: dto.carrierKind,
          carrierName: dto.carrierName ?? null, departedAt: changes.departedAt.toISOString(), ...(batch.manifestTotals ?? manifestTotalsOf(items)),
        },
      });
      return this.detail(em, id);
    });
  }

  /** Cancels an open or sealed batch and gives every line's quantity back. */
  async cancel(actor: Principal, id: string, dto: CancelBatchDto): Promise<BatchView> {
    return inTransaction(this.dataSource, async (em) => {
      const batch = await this.access.lockForPoint(em, actor, id);
      assertBatchStatus(batch.status, [BatchStatus.OPEN, BatchStatus.SEALED], '取消');
      const items = await em.getRepository(BatchItemEntity).findBy({ batchId: id });
      await this.lines.release(em, items.map((i) => ({ lineId: i.consignmentLineId, quantityBase: i.quantityBase })));
      await em.getRepository(BatchEntity).update({ id }, { status: BatchStatus.CANCELLED, cancelledAt: new Date(), cancelledBy: actor.id, cancelReason: dto.reason });
      await this.audit.record(em, actor, { entityType: 'batch', entityId: id, action: 'cancel', before: { status: batch.status }, after: { status: BatchStatus.CANCELLED }, reason: dto.reason });
      await this.outbox.publish(em, {
        eventType: BATCH_EVENTS.CANCELLED, aggregateType: 'batch', aggregateId: id,
        payload: { batchId: id, batchNo: batch.batchNo, pointId: batch.pointId, warehouseId: batch.warehouseId, reason: dto.reason, releasedLines: items.length },
      });
      return this.detail(em, id);
    });
  }

  async get(actor: Principal, id: string): Promise<BatchView> {
    await this.access.requireVisible(actor, id);
    return this.detail(this.dataSource.manager, id);
  }

  /** Batches in scope, newest first: agents and managers by point, warehouse staff by warehouse. */
  async list(actor: Principal, query: ListBatchesQueryDto): Promise<Page<BatchView>> {
    const qb = this.dataSource.getRepository(BatchEntity).createQueryBuilder('b').where('b.company_id = :companyId', { companyId: actor.companyId });
    if (actor.role === Role.WAREHOUSE_STAFF) scopeByWarehouse(qb, 'b.warehouse_id', actor);
    else scopeByPoint(qb, 'b.point_id', actor);
    if (query.pointId) qb.andWhere('b.point_id = :pointId', { pointId: query.pointId });
    if (query.warehouseId) qb.andWhere('b.warehouse_id = :warehouseId', { warehouseId: query.warehouseId });
    if (query.status) qb.andWhere('b.status = :status', { status: query.status });
    const page = await paginate(qb, 'b.id', query, (b) => b);
    const items = page.items.length
      ? await this.dataSource.getRepository(BatchItemEntity).createQueryBuilder('i').where('i.batch_id IN (:...ids)', { ids: page.items.map((b) => b.id) }).getMany()
      : [];
    return { items: page.items.map((b) => toBatchView(b, items.filter((i) => i.batchId === b.id))), nextCursor: page.nextCursor };
  }

  /** The batch with items, transit losses and chargebacks. */
  async detail(em: EntityManager, id: string): Promise<BatchView> {
    const [batch, items, losses, chargebacks] = await Promise.all([
      em.getRepository(BatchEntity).findOneByOrFail({ id }),
      em.getRepository(BatchItemEntity).find({ where: { batchId: id }, order: { id: 'ASC' } }),
      em.getRepository(TransitLossEntity).find({ where: { batchId: id }, order: { id: 'ASC' } }),
      em.getRepository(ChargebackEntity).find({ where: { batchId: id }, order: { id: 'ASC' } }),
    ]);
    return toBatchView(batch, items, { losses, chargebacks });
  }

  private async replayCreate(actor: Principal, existing: BatchEntity, dto: CreateBatchDto): Promise<WriteResult> {
    if (existing.companyId !== actor.companyId || existing.pointId !== dto.pointId || existing.warehouseId !== dto.warehouseId) {
      throw new ConflictError('BATCH_ID_REUSED', '该编号已用于另一批次', 'This clientId was already used for a different batch',
        [{ field: 'clientId', message: '已被另一批次使用', messageEn: 'already used for a different batch' }]);
    }
    await this.access.requireVisible(actor, existing.id);
    return { created: false, batch: await this.detail(this.dataSource.manager, existing.id) };
  }
}

export function manifestTotalsOf(items: BatchItemEntity[]): ManifestTotals {
  const products = new Map<string, { productId: string; quantityBase: number; lineCount: number }>();
  for (const i of items) {
    const p = products.get(i.productId) ?? { productId: i.productId, quantityBase: 0, lineCount: 0 };
    p.quantityBase += i.quantityBase;
    p.lineCount += 1;
    products.set(i.productId, p);
  }
  return { lineCount: items.length, farmerCount: new Set(items.map((i) => i.farmerId)).size, products: [...products.values()] };
}

const batchEmpty = (action: string) => new RuleViolationError('BATCH_EMPTY', `批次没有任何货品，不能${action}`, `The batch is empty; cannot ${action === '发车' ? 'dispatch' : 'seal'} it`);

