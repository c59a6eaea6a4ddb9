import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { canonicalHash } from '../batching/batch-access';
import { BatchStatus } from '../batching/batch-status';
import { Principal } from '../common/access/principal';
import { businessDay } from '../common/business-day';
import { ConflictError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { WarehousesService } from '../organization/warehouses.service';
import { OutboxService } from '../outbox/outbox.service';
import { apportion } from './apportion';
import { ProcessingDto } from './dto/warehouse-requests.dto';
import { LotEntity } from './lot.entity';
import { ProcessingRecordEntity } from './processing.entity';
import { SkusService } from './skus.service';
import { newTraceCode } from './trace-code';
import { buildPublicTraceSummaries, storePublicTraceSummaries } from './public-trace-summary';

export const WAREHOUSE_EVENTS = {
  LOT_CREATED: 'lot.created',
  LOT_NEARING_BEST_BEFORE: 'lot.nearing_best_before',
  LOT_EXPIRED: 'lot.expired',
} as const;

export type ProcessingView = {
  id: string; warehouseId: string; kind: string; productId: string; inputBase: number; outputBase: number; lossBase: number;
  lossReason: string | null; processedAt: Date;
  inputs: Array<{ batchItemId: string; consignmentLineId: string; farmerId: string; quantityBase: number }>;
  lots: Array<{ id: string; lotNo: string | null; skuId: string; traceCode: string; packs: number; bestBefore: string }>;
};

type InputItem = {
  id: string; batch_id: string; consignment_line_id: string; farmer_id: string; product_id: string; received_base: number; processed_base: number;
  charged_back_base: number; company_id: string; warehouse_id: string; status: BatchStatus; captured_at: Date;
};

/** 'YYYY-MM-DD' + n days. */
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Sorting, packing and processing (分拣/包装/深加工): received batch items of one product in, SKU
 * lots out, conserving base units exactly (inputs = Σ packs × content + loss). Inputs of many farmers
 * merge into one lot; each lot's provenance records every contributing line with its share.
 */
@Injectable()
export class ProcessingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly warehouses: WarehousesService,
    private readonly skus: SkusService,
  ) {}

  async process(actor: Principal, warehouseId: string, dto: ProcessingDto): Promise<{ created: boolean; processing: ProcessingView }> {
    await this.warehouses.requireWarehouseForAction(actor, warehouseId);
    const hash = canonicalHash({ warehouseId, ...dto });
    const replay = await this.findReplay(warehouseId, dto.requestId, hash);
    if (replay) return { created: false, processing: replay };
    const seen = new Set<string>();
    dto.inputs.forEach((input, i) => {
      if (seen.has(input.batchItemId)) throw fieldRuleViolation('ITEM_DUPLICATE', `inputs.${i}.batchItemId`, '同一批次行重复', 'batch item appears twice');
      seen.add(input.batchItemId);
    });
    if (dto.lossBase > 0 && !dto.lossReason) throw fieldRuleViolation('LOSS_REASON_REQUIRED', 'lossReason', '有损耗时须填写原因', 'a reason is required for a loss');
    try {
      const id = await inTransaction(this.dataSource, (em) => this.write(em, actor, warehouseId, dto, hash));
      return { created: true, processing: await this.view(this.dataSource.manager, id) };
    } catch (err) {
      const winner = isDuplicateKeyError(err) ? await this.findReplay(warehouseId, dto.requestId, hash) : null;
      if (winner) return { created: false, processing: winner };
      throw err;
    }
  }

  private async write(em: EntityManager, actor: Principal, warehouseId: string, dto: ProcessingDto, hash: string): Promise<string> {
    const items = new Map((await em.query(
      `SELECT bi.id, bi.batch_id, bi.consignment_line_id, bi.farmer_id, bi.product_id, bi.received_base, bi.processed_base, bi.charged_back_base,
              b.company_id, b.warehouse_id, b.status, c.captured_at
       FROM batch_item bi JOIN batch b ON b.id = bi.batch_id JOIN consignment c ON c.id = bi.consignment_id
       WHERE bi.id IN (?) ORDER BY bi.id FOR UPDATE`, [dto.inputs.map((i) => i.batchItemId)],
    ) as InputItem[]).map((r) => [String(r.id), r]));
    let productId = '';
    for (const [i, input] of dto.inputs.entries()) {
      const f = `inputs.${i}`;
      const item = items.get(input.batchItemId);
      if (!item || String(item.company_id) !== actor.companyId || String(item.warehouse_id) !== warehouseId) {
        throw fieldRuleViolation('BATCH_ITEM_NOT_FOUND', `${f}.batchItemId`, '本仓库没有这一批次行', 'no such batch item received at this warehouse');
      }
      const available = Number(item.received_base) - Number(item.processed_base) - Number(item.charged_back_base);
      if (input.quantityBase > available) {
        throw fieldRuleViolation('QUANTITY_EXCEEDS_RECEIVED', `${f}.quantityBase`, `超过已收货未加工的数量 ${available}`, `more than the ${available} base units received and not yet processed`);
      }
      productId ||= String(item.product_id);
      if (String(item.product_id) !== productId) throw fieldRuleViolation('MIXED_PRODUCTS', `${f}.batchItemId`, '一次加工只能投入同一种商品', 'all inputs must be of one product');
    }
    const skus = await this.skus.loadMany(em, actor.companyId, dto.outputs.map((o) => o.skuId));
    const outputs = dto.outputs.map((o, j) => {
      const sku = skus.get(o.skuId);
      if (!sku) throw fieldRuleViolation('SKU_NOT_FOUND', `outputs.${j}.skuId`, 'SKU 不存在', 'SKU not found');
      if (sku.productId !== productId) throw fieldRuleViolation('SKU_PRODUCT_MISMATCH', `outputs.${j}.skuId`, 'SKU 的商品与投入不同', 'the SKU is of another product than the inputs');
      if (!sku.active) throw fieldRuleViolation('SKU_INACTIVE', `outputs.${j}.skuId`, 'SKU 已停用', 'SKU is inactive');
      return { sku, packs: o.packs, contentBase: o.packs * sku.contentBasePerPack };
    });
    const inputBase = dto.inputs.reduce((s, i) => s + i.quantityBase, 0);
    const outputBase = outputs.reduce((s, o) => s + o.contentBase, 0);
    if (inputBase !== outputBase + dto.lossBase) {
      throw fieldRuleViolation('CONSERVATION_VIOLATED', 'outputs', `投入 ${inputBase} ≠ 产出 ${outputBase} + 损耗 ${dto.lossBase}（基本单位）`,
        `inputs ${inputBase} ≠ outputs ${outputBase} + loss ${dto.lossBase} base units`);
    }
    const [{ shelf_life_days: shelfLife }] = await em.query('SELECT shelf_life_days FROM product WHERE id = ?', [productId]);
    const earliest = new Date(Math.min(...dto.inputs.map((i) => new Date(items.get(i.batchItemId)!.captured_at).getTime())));
    const bestBefore = addDays(businessDay(earliest), Number(shelfLife));
    const processedAt = new Date();
    const packedAt = dto.packedAt ? new Date(dto.packedAt) : processedAt;

    const record = await em.getRepository(ProcessingRecordEntity).insert({
      companyId: actor.companyId, warehouseId, requestId: dto.requestId, requestHash: hash, kind: dto.kind, productId,
      inputBase, outputBase, lossBase: dto.lossBase, lossReason: dto.lossReason ?? null, note: dto.note ?? null, processedAt, processedBy: actor.id,
    });
    const processingId = String(record.identifiers[0].id);
    await em.query(
      `INSERT INTO processing_input (processing_id, batch_item_id, consignment_line_id, farmer_id, quantity_base) VALUES ${dto.inputs.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      dto.inputs.flatMap((i) => { const it = items.get(i.batchItemId)!; return [processingId, i.batchItemId, it.consignment_line_id, it.farmer_id, i.quantityBase]; }),
    );
    for (const input of dto.inputs) {
      const result = await em.query(
        'UPDATE batch_item SET processed_base = processed_base + ? WHERE id = ? AND received_base - processed_base - charged_back_base >= ?',
        [input.quantityBase, input.batchItemId, input.quantityBase],
      );
      if ((result as { affectedRows: number }).affectedRows !== 1) throw new ConflictError('BATCH_ITEM_CHANGED', '批次行数量已变化，请重试', 'The batch item changed meanwhile; retry');
    }

    const day = businessDay(processedAt).replace(/-/g, '');
    const lots: Array<{ id: string; traceCode: string; skuId: string; packs: number; lotNo: string }> = [];
    for (const o of outputs) {
      const { id, traceCode } = await this.insertLot(em, {
        companyId: actor.companyId, warehouseId, skuId: o.sku.id, productId, processingId, lotNo: null,
        packsProduced: o.packs, onHandPacks: o.packs, reservedPacks: 0, expiredPacks: 0, earliestIntakeAt: earliest, bestBefore, packedAt,
        nearBestBeforeAlertedAt: null,
      });
      const lotNo = `L${day}-${id}`;
      await em.getRepository(LotEntity).update({ id }, { lotNo });
      lots.push({ id, traceCode, skuId: o.sku.id, packs: o.packs, lotNo });
    }
    // Provenance: every input's share of every lot (the loss is the last column, not stored).
    const shares = apportion(dto.inputs.map((i) => i.quantityBase), [...outputs.map((o) => o.contentBase), dto.lossBase]);
    const provenance = lots.flatMap((lot, j) => dto.inputs.map((input, i) => ({ input, quantity: shares[i][j], lot })).filter((p) => p.quantity > 0));
    for (let k = 0; k < provenance.length; k += 1000) {
      const chunk = provenance.slice(k, k + 1000);
      await em.query(
        `INSERT INTO lot_provenance (lot_id, consignment_line_id, farmer_id, batch_item_id, quantity_base) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((p) => { const it = items.get(p.input.batchItemId)!; return [p.lot.id, it.consignment_line_id, it.farmer_id, p.input.batchItemId, p.quantity]; }),
      );
    }
    // The public trace page of each new lot reads this summary instead of joining per request.
    await storePublicTraceSummaries(em, await buildPublicTraceSummaries(em, lots.map((l) => l.id)));
    await this.outbox.publish(em, ...lots.map((lot, j) => ({
      eventType: WAREHOUSE_EVENTS.LOT_CREATED, aggregateType: 'lot', aggregateId: lot.id,
      payload: {
        lotId: lot.id, lotNo: lot.lotNo, traceCode: lot.traceCode, companyId: actor.companyId, warehouseId, skuId: lot.skuId, productId,
        packs: lot.packs, contentBase: outputs[j].contentBase, bestBefore, packedAt: packedAt.toISOString(), processingId,
        contributors: new Set(dto.inputs.map((i) => items.get(i.batchItemId)!.farmer_id)).size,
      },
    })));
    await this.audit.record(em, actor, {
      entityType: 'processing_record', entityId: processingId, action: 'create',
      after: { kind: dto.kind, inputBase, outputBase, lossBase: dto.lossBase, lots: lots.map((l) => l.id) },
    });
    return processingId;
  }

  /** Inserts a lot with a fresh random trace code, drawing again on the (astronomically rare) collision. */
  private async insertLot(em: EntityManager, values: Omit<LotEntity, 'id' | 'traceCode' | 'publicTrace' | 'createdAt' | 'updatedAt'>): Promise<{ id: string; traceCode: string }> {
    for (let attempt = 1; ; attempt++) {
      const traceCode = newTraceCode();
      const exists = await em.query('SELECT 1 FROM lot WHERE trace_code = ?', [traceCode]);
      if (exists.length && attempt < 5) continue;
      const result = await em.getRepository(LotEntity).insert({ ...values, traceCode });
      return { id: String(result.identifiers[0].id), traceCode };
    }
  }

  private async findReplay(warehouseId: string, requestId: string, hash: string): Promise<ProcessingView | null> {
    const existing = await this.dataSource.getRepository(ProcessingRecordEntity).findOneBy({ requestId });
    if (!existing) return null;
    if (existing.warehouseId !== warehouseId || existing.requestHash !== hash) {
      throw new ConflictError('REQUEST_ID_REUSED', '该请求编号已用于另一请求', 'This requestId was already used for a different request',
        [{ field: 'requestId', message: '已被另一请求使用', messageEn: 'already used for a different request' }]);
    }
    return this.view(this.dataSource.manager, existing.id);
  }

  async view(em: EntityManager, id: string): Promise<ProcessingView> {
    const r = await em.getRepository(ProcessingRecordEntity).findOneByOrFail({ id });
    const inputs = await em.query('SELECT batch_item_id, consignment_line_id, farmer_id, quantity_base FROM processing_input WHERE processing_id = ? ORDER BY id', [id]);
    const lots = await em.getRepository(LotEntity).find({ where: { processingId: id }, order: { id: 'ASC' } });
    return {
      id: r.id, warehouseId: r.warehouseId, kind: r.kind, productId: r.productId, inputBase: r.inputBase, outputBase: r.outputBase, lossBase: r.lossBase,
      lossReason: r.lossReason, processedAt: r.processedAt,
      inputs: inputs.map((i: Record<string, unknown>) => ({ batchItemId: String(i.batch_item_id), consignmentLineId: String(i.consignment_line_id), farmerId: String(i.farmer_id), quantityBase: Number(i.quantity_base) })),
      lots: lots.map((l) => ({ id: l.id, lotNo: l.lotNo, skuId: l.skuId, traceCode: l.traceCode, packs: l.packsProduced, bestBefore: l.bestBefore })),
    };
  }
}
