import { createHash } from 'crypto';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { assertCanActAtWarehouse, assertCanSeeWarehouse } from '../common/access/scope';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { consecutiveIdsGuaranteed, insertedIds } from '../database/inserted-ids';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { SaleChannel } from '../ledger/ledger.enums';
import { OutboxService } from '../outbox/outbox.service';
import { InventoryService } from '../warehouse/inventory.service';
import { AllocationService, LineToAllocate } from './allocation.service';
import { CreateChannelDto, CreateSaleDto, CreateShowDto, ImportQueryDto } from './dto/sales.dto';
import { SaleEntity, SaleLineEntity } from './sale.entity';
import { ChannelKind, LivestreamShowEntity, SalesChannelEntity } from './sales-channel.entity';
import { SalesImportEntity } from './sales-import.entity';

export const SALES_EVENTS = {
  SALE_RECORDED: 'sale.recorded',
  SALE_REFUNDED: 'sale.refunded',
  CONSIGNMENT_PERIOD_ENDING: 'consignment.period_ending',
} as const;

/** One order to record: a manual sale, a live-stream order or a row group of a platform import. */
export type OrderInput = {
  clientId: string | null; externalOrderId: string | null; soldAt: Date; giveawayReason: string | null;
  lines: Array<{ skuId: string; lotId?: string | null; packs: number; unitPriceFen: number; field: string }>;
};

type Channel = SalesChannelEntity;
type BadRow = { line: number; field: string; message: string };

const channelNotFound = () => new NotFoundError('销售渠道', 'Sales channel', 'CHANNEL_NOT_FOUND');
const CHANNEL_OF: Record<ChannelKind, SaleChannel> = { STORE: SaleChannel.STORE, ONLINE: SaleChannel.ONLINE, LIVESTREAM: SaleChannel.LIVESTREAM };

/**
 * Channels, live-stream shows and sales: stock drawn FEFO (or from a named lot) with row locks,
 * every sold unit allocated to farmers and posted in the same transaction, orders recorded once.
 */
@Injectable()
export class SalesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inventory: InventoryService,
    private readonly allocation: AllocationService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async createChannel(actor: Principal, dto: CreateChannelDto) {
    const wh = await this.dataSource.query('SELECT id, company_id FROM warehouse WHERE id = ?', [dto.warehouseId]) as Array<{ id: string; company_id: string }>;
    assertCanActAtWarehouse(actor, wh[0] ? { id: String(wh[0].id), companyId: String(wh[0].company_id) } : null);
    if (dto.kind !== ChannelKind.STORE && !dto.platform) throw fieldRuleViolation('PLATFORM_REQUIRED', 'platform', '线上与直播渠道须填平台', 'online and live-stream channels need a platform');
    return this.dataSource.transaction(async (em) => {
      try {
        const res = await em.getRepository(SalesChannelEntity).insert({ companyId: actor.companyId, kind: dto.kind, name: dto.name, platform: dto.platform ?? null, shop: dto.shop ?? null, warehouseId: dto.warehouseId, active: true });
        const channel = await em.getRepository(SalesChannelEntity).findOneByOrFail({ id: String(res.identifiers[0].id) });
        await this.audit.record(em, actor, { entityType: 'sales_channel', entityId: channel.id, action: 'create', after: { ...channel } });
        return channel;
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ConflictError('CHANNEL_NAME_TAKEN', '渠道名称已存在', 'Channel name already exists', [{ field: 'name', message: '已存在', messageEn: 'already exists' }]);
        throw err;
      }
    });
  }

  listChannels(actor: Principal) {
    return this.dataSource.getRepository(SalesChannelEntity).find({ where: { companyId: actor.companyId }, order: { id: 'ASC' } });
  }

  async createShow(actor: Principal, channelId: string, dto: CreateShowDto) {
    const channel = await this.requireChannel(actor, channelId, true);
    if (channel.kind !== ChannelKind.LIVESTREAM) throw new RuleViolationError('CHANNEL_NOT_LIVESTREAM', '只有直播渠道有直播场次', 'Only live-stream channels have shows');
    if (new Date(dto.endsAt) <= new Date(dto.startsAt)) throw fieldRuleViolation('SHOW_PERIOD_INVALID', 'endsAt', '结束须晚于开始', 'must be after startsAt');
    const res = await this.dataSource.getRepository(LivestreamShowEntity).insert({
      companyId: actor.companyId, channelId, hostName: dto.hostName, platform: dto.platform, startsAt: new Date(dto.startsAt), endsAt: new Date(dto.endsAt),
      hostCommissionBasisPoints: dto.hostCommissionBasisPoints,
    });
    return this.dataSource.getRepository(LivestreamShowEntity).findOneByOrFail({ id: String(res.identifiers[0].id) });
  }

  /** A manual or live-stream sale; sent twice (same client id, or same external order id on the channel) it is recorded once. */
  async createSale(actor: Principal, channelId: string, dto: CreateSaleDto): Promise<{ created: boolean; sale: Awaited<ReturnType<SalesService['getSale']>> }> {
    const channel = await this.requireChannel(actor, channelId, true);
    const replay = await this.findExisting(channel.id, dto.clientId, dto.externalOrderId ?? null);
    if (replay) return { created: false, sale: await this.getSale(actor, replay) };
    const show = await this.showFor(channel, dto.showId ?? null);
    const order: OrderInput = {
      clientId: dto.clientId, externalOrderId: dto.externalOrderId ?? null, soldAt: dto.soldAt ? new Date(dto.soldAt) : new Date(), giveawayReason: dto.giveawayReason ?? null,
      lines: dto.lines.map((l, i) => ({ ...l, field: `lines.${i}` })),
    };
    const bad = validatePrices(order, 0);
    if (bad.length) throw fieldRuleViolation('SALE_PRICE_INVALID', bad[0].field, bad[0].message, 'price must be positive unless the sale is a giveaway with a reason (then 0)');
    try {
      const [saleId] = await inTransaction(this.dataSource, (em) => this.record(em, actor, channel, show, [order], null));
      return { created: true, sale: await this.getSale(actor, saleId) };
    } catch (err) {
      const winner = isDuplicateKeyError(err) ? await this.findExisting(channel.id, dto.clientId, dto.externalOrderId ?? null) : null;
      if (winner) return { created: false, sale: await this.getSale(actor, winner) };
      throw err;
    }
  }

  /**
   * Records orders in the caller's transaction: locks the lots (named or FEFO), draws the packs,
   * writes sales and sale lines, allocates every unit to farmers, posts, publishes `sale.recorded`.
   * Returns the sale ids in order. Not enough stock: 409 and nothing written.
   */
  async record(em: EntityManager, actor: Principal, channel: Channel, show: LivestreamShowEntity | null, orders: OrderInput[], importId: string | null): Promise<string[]> {
    const companyId = actor.companyId;
    const skuIds = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.skuId)))];
    const skuRows = await em.query('SELECT id, product_id, content_base_per_pack, active FROM sku WHERE company_id = ? AND id IN (?)', [companyId, skuIds]) as Array<Record<string, string | number>>;
    const skus = new Map(skuRows.map((r) => [String(r.id), { productId: String(r.product_id), content: Number(r.content_base_per_pack) }]));
    const namedIds = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.lotId).filter((x): x is string => !!x)))];
    const named = new Map((await this.inventory.lockLots(em, companyId, namedIds)).map((l) => [l.id, l]));
    const fefo = await this.inventory.lockFefoCandidates(em, companyId, channel.warehouseId, skuIds.filter((id) => orders.some((o) => o.lines.some((l) => l.skuId === id && !l.lotId))));
    const available = new Map<string, number>([...fefo, ...named.values()].map((l) => [l.id, l.availablePacks]));
    const queues = new Map<string, string[]>();
    for (const l of fefo) queues.set(l.skuId, [...(queues.get(l.skuId) ?? []), l.id]);

    type Drawn = { orderIndex: number; lineNo: number; skuId: string; productId: string; lotId: string; packs: number; unitPriceFen: number; unitsBase: number };
    const drawn: Drawn[] = [];
    orders.forEach((o, oi) => {
      let lineNo = 0;
      for (const l of o.lines) {
        const sku = skus.get(l.skuId);
        if (!sku) throw fieldRuleViolation('SKU_NOT_FOUND', `${l.field}.skuId`, 'SKU 不存在', 'unknown SKU');
        const take = (lotId: string, packs: number) => {
          available.set(lotId, available.get(lotId)! - packs);
          drawn.push({ orderIndex: oi, lineNo: ++lineNo, skuId: l.skuId, productId: sku.productId, lotId, packs, unitPriceFen: l.unitPriceFen, unitsBase: packs * sku.content });
        };
        if (l.lotId) {
          const lot = named.get(l.lotId);
          if (!lot || lot.warehouseId !== channel.warehouseId || lot.skuId !== l.skuId) throw fieldRuleViolation('LOT_NOT_FOUND', `${l.field}.lotId`, '该渠道仓库没有这个 SKU 批号', 'no such lot of this SKU at the channel\'s warehouse');
          if (available.get(lot.id)! < l.packs) throw stockShort(l.field, available.get(lot.id)!);
          take(lot.id, l.packs);
          continue;
        }
        let need = l.packs;
        const queue = queues.get(l.skuId) ?? [];
        const total = queue.reduce((s, id) => s + available.get(id)!, 0);
        if (total < need) throw stockShort(l.field, total);
        for (const lotId of queue) {
          if (need === 0) break;
          const n = Math.min(need, available.get(lotId)!);
          if (n > 0) { take(lotId, n); need -= n; }
        }
      }
    });
    const perLot = new Map<string, number>();
    for (const d of drawn) perLot.set(d.lotId, (perLot.get(d.lotId) ?? 0) + d.packs);
    for (const [lotId, packs] of [...perLot.entries()].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))) await this.inventory.drawPacks(em, lotId, packs, false);

    // sales
    const revenueOf = (oi: number) => drawn.filter((d) => d.orderIndex === oi).reduce((s, d) => s + d.packs * d.unitPriceFen, 0);
    const saleRevenue = new Map<number, number>();
    for (const d of drawn) saleRevenue.set(d.orderIndex, (saleRevenue.get(d.orderIndex) ?? 0) + d.packs * d.unitPriceFen);
    const consecutive = await consecutiveIdsGuaranteed(em);
    let saleIds: string[] = new Array(orders.length);
    for (let i = 0; i < orders.length; i += 2000) {
      const chunk = orders.slice(i, i + 2000);
      const res = await em.query(
        `INSERT INTO sale (company_id, channel_id, show_id, warehouse_id, client_id, external_order_id, import_id, sold_at, giveaway_reason, revenue_fen, created_by)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((o, k) => [companyId, channel.id, show?.id ?? null, channel.warehouseId, o.clientId, o.externalOrderId, importId, o.soldAt, o.giveawayReason, saleRevenue.get(i + k) ?? revenueOf(i + k), actor.kind === 'staff' ? actor.id : null]),
      );
      // ids straight from the INSERT when the server hands them out consecutively (no read-back by client/order id)
      if (consecutive) insertedIds(res, chunk.length).forEach((id, k) => { saleIds[i + k] = String(id); });
    }
    if (!consecutive) saleIds = await this.saleIdsFor(em, channel.id, orders);
    const hostBp = show?.hostCommissionBasisPoints ?? 0;
    const toAllocate: LineToAllocate[] = drawn.map((d) => ({
      lotId: d.lotId, productId: d.productId, unitsBase: d.unitsBase, revenueFen: d.packs * d.unitPriceFen, soldAt: orders[d.orderIndex].soldAt,
      channel: CHANNEL_OF[channel.kind], hostBasisPoints: hostBp,
    }));
    const plan = await this.allocation.plan(em, companyId, toAllocate);
    const lineIds: string[] = new Array(drawn.length);
    for (let i = 0; i < drawn.length; i += 2000) {
      const chunk = drawn.slice(i, i + 2000);
      const res = await em.query(
        `INSERT INTO sale_line (sale_id, company_id, line_no, sku_id, product_id, lot_id, channel_kind, packs, units_base, unit_price_fen, revenue_fen, farmer_fen, commission_fen, host_commission_fen, margin_fen, refunded_packs, company_base, sold_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)').join(', ')}`,
        chunk.flatMap((d, k) => {
          const p = plan.lines[i + k];
          return [saleIds[d.orderIndex], companyId, d.lineNo, d.skuId, d.productId, d.lotId, channel.kind, d.packs, d.unitsBase, d.unitPriceFen, d.packs * d.unitPriceFen,
            p.farmerFen, p.commissionFen, p.hostCommissionFen, p.marginFen, p.companyBase, orders[d.orderIndex].soldAt];
        }),
      );
      if (consecutive) insertedIds(res, chunk.length).forEach((id, k) => { lineIds[i + k] = String(id); });
    }
    if (!consecutive) {
      const byKey = new Map<string, string>();
      for (let i = 0; i < saleIds.length; i += 2000) {
        const rows = await em.query('SELECT id, sale_id, line_no FROM sale_line WHERE sale_id IN (?)', [saleIds.slice(i, i + 2000)]) as Array<Record<string, string>>;
        rows.forEach((r) => byKey.set(`${r.sale_id}:${r.line_no}`, String(r.id)));
      }
      drawn.forEach((d, k) => { lineIds[k] = byKey.get(`${saleIds[d.orderIndex]}:${d.lineNo}`)!; });
    }
    const persisted = await this.allocation.persist(em, companyId, plan, drawn.map((d, k) => ({
      saleLineId: lineIds[k], line: toAllocate[k], channelId: channel.id, skuId: d.skuId, packs: d.packs, unitPriceFen: d.unitPriceFen,
    })));
    // sale.recorded, with per-farmer totals (notifications batch them per farmer per day)
    const byOrder = new Map<number, Map<string, { farmerId: string; quantityBase: number; amountFen: number }>>();
    persisted.forEach((p, k) => {
      const m = byOrder.get(drawn[k].orderIndex) ?? new Map();
      for (const a of p.allocations) {
        const f = m.get(a.farmerId) ?? { farmerId: a.farmerId, quantityBase: 0, amountFen: 0 };
        f.quantityBase += a.quantityBase; f.amountFen += a.farmerAmountFen;
        m.set(a.farmerId, f);
      }
      byOrder.set(drawn[k].orderIndex, m);
    });
    await this.outbox.publish(em, ...orders.map((o, oi) => ({
      eventType: SALES_EVENTS.SALE_RECORDED, aggregateType: 'sale', aggregateId: saleIds[oi],
      payload: {
        saleId: saleIds[oi], companyId, channelId: channel.id, channelKind: channel.kind, soldAt: o.soldAt.toISOString(), revenueFen: saleRevenue.get(oi) ?? 0,
        farmers: [...(byOrder.get(oi)?.values() ?? [])],
      },
    })));
    if (!importId && actor.kind === 'staff') {
      await this.audit.record(em, actor, { entityType: 'sale', entityId: saleIds[0], action: 'create', after: { channelId: channel.id, lines: drawn.length, revenueFen: saleRevenue.get(0) ?? 0 } });
    }
    return saleIds;
  }

  /** Imports a platform's order export (CSV or JSON): each bad row reported with its line number; all or nothing unless mode=good_rows; orders already recorded are skipped. */
  async importOrders(actor: Principal, channelId: string, body: unknown, contentType: string, query: ImportQueryDto) {
    const channel = await this.requireChannel(actor, channelId, true);
    if (channel.kind === ChannelKind.STORE) throw new RuleViolationError('CHANNEL_NOT_ONLINE', '门店渠道不导入平台订单', 'Store channels do not import platform orders');
    const show = await this.showFor(channel, query.showId ?? null);
    const mode = query.mode ?? 'all';
    const { rows, raw } = parseRows(body, contentType);
    const skuRows = await this.dataSource.query('SELECT id, code FROM sku WHERE company_id = ?', [actor.companyId]) as Array<{ id: string; code: string }>;
    const skuByCode = new Map(skuRows.map((r) => [r.code, String(r.id)]));
    const bad: BadRow[] = [];
    const orders = new Map<string, OrderInput & { rowLines: number[] }>();
    rows.forEach((r, i) => {
      const line = r.__line ?? i + 2;
      const errs: BadRow[] = [];
      const orderId = String(r.external_order_id ?? '').trim();
      if (!orderId || orderId.length > 64) errs.push({ line, field: 'external_order_id', message: '订单号缺失或过长 missing or too long' });
      const skuId = skuByCode.get(String(r.sku_code ?? '').trim());
      if (!skuId) errs.push({ line, field: 'sku_code', message: `未知 SKU unknown SKU "${String(r.sku_code ?? '')}"` });
      const packs = Number(r.packs);
      if (!Number.isSafeInteger(packs) || packs < 1 || packs > 1_000_000) errs.push({ line, field: 'packs', message: '包数须为正整数 packs must be a positive integer' });
      const price = Number(r.unit_price_fen);
      const giveaway = String(r.giveaway_reason ?? '').trim();
      if (!Number.isSafeInteger(price) || price < 0 || (price === 0 && !giveaway)) errs.push({ line, field: 'unit_price_fen', message: '单价（分）须为正整数，赠品可为 0 并注明原因 price must be a positive integer fen (0 only for a giveaway with a reason)' });
      const soldAt = r.sold_at ? new Date(String(r.sold_at)) : new Date();
      if (Number.isNaN(soldAt.getTime())) errs.push({ line, field: 'sold_at', message: '时间格式不对 bad timestamp' });
      if (errs.length) { bad.push(...errs); return; }
      const o = orders.get(orderId) ?? { clientId: null, externalOrderId: orderId, soldAt, giveawayReason: giveaway || null, lines: [], rowLines: [] };
      o.lines.push({ skuId: skuId!, packs, unitPriceFen: price, field: `line ${line}` });
      o.rowLines.push(line);
      orders.set(orderId, o);
    });
    const fileHash = createHash('sha256').update(raw).digest('hex');
    if (bad.length && mode === 'all') {
      throw new RuleViolationError('IMPORT_ROWS_INVALID', `${bad.length} 处错误，未导入任何订单（可用 mode=good_rows 导入其余行）`, `${bad.length} bad row(s); nothing imported (mode=good_rows imports the rest)`,
        bad.slice(0, 200).map((b) => ({ field: `line ${b.line}.${b.field}`, message: b.message, messageEn: b.message })));
    }
    // orders with a bad row are left out whole in good_rows mode
    const badLines = new Set(bad.map((b) => b.line));
    const badOrderIds = new Set(rows.filter((r, i) => badLines.has(r.__line ?? i + 2)).map((r) => String(r.external_order_id ?? '').trim()));
    const candidates = [...orders.values()].filter((o) => !badOrderIds.has(o.externalOrderId!));
    const existing = new Set<string>();
    for (let i = 0; i < candidates.length; i += 5000) {
      const found = await this.dataSource.query('SELECT external_order_id FROM sale WHERE channel_id = ? AND external_order_id IN (?)', [channel.id, candidates.slice(i, i + 5000).map((o) => o.externalOrderId)]) as Array<{ external_order_id: string }>;
      found.forEach((r) => existing.add(r.external_order_id));
    }
    const fresh = candidates.filter((o) => !existing.has(o.externalOrderId!));
    return inTransaction(this.dataSource, async (em) => {
      const res = await em.getRepository(SalesImportEntity).insert({
        companyId: actor.companyId, channelId: channel.id, fileHash, mode, rowCount: rows.length, importedOrders: fresh.length, duplicateOrders: existing.size, badRows: bad, createdBy: actor.id,
      });
      const importId = String(res.identifiers[0].id);
      const CHUNK = 5000;
      for (let i = 0; i < fresh.length; i += CHUNK) await this.record(em, actor, channel, show, fresh.slice(i, i + CHUNK), importId);
      await this.audit.record(em, actor, { entityType: 'sales_import', entityId: importId, action: 'create', after: { channelId: channel.id, rows: rows.length, imported: fresh.length, duplicates: existing.size, bad: bad.length } });
      return { importId, rows: rows.length, importedOrders: fresh.length, duplicateOrders: existing.size, badRows: bad };
    }, 1);
  }

  async getSale(actor: Principal, saleId: string) {
    const sale = await this.dataSource.getRepository(SaleEntity).findOneBy({ id: saleId });
    if (!sale || sale.companyId !== actor.companyId) throw new NotFoundError('销售单', 'Sale', 'SALE_NOT_FOUND');
    try { assertCanSeeWarehouse(actor, { id: sale.warehouseId, companyId: sale.companyId }); } catch { throw new NotFoundError('销售单', 'Sale', 'SALE_NOT_FOUND'); }
    const lines = await this.dataSource.getRepository(SaleLineEntity).find({ where: { saleId }, order: { id: 'ASC' } });
    const allocations = lines.length ? await this.dataSource.query(
      'SELECT id, sale_line_id, consignment_line_id, farmer_id, settlement_mode, quantity_base, revenue_fen, farmer_amount_fen, agent_commission_fen, collective_share_fen, refunded_base FROM sale_allocation WHERE sale_line_id IN (?) ORDER BY id',
      [lines.map((l) => l.id)]) as Array<Record<string, string | number>> : [];
    return {
      id: sale.id, channelId: sale.channelId, showId: sale.showId, warehouseId: sale.warehouseId, clientId: sale.clientId, externalOrderId: sale.externalOrderId,
      soldAt: sale.soldAt, giveawayReason: sale.giveawayReason, revenueFen: sale.revenueFen,
      lines: lines.map((l) => ({
        id: l.id, lineNo: l.lineNo, skuId: l.skuId, lotId: l.lotId, packs: l.packs, unitsBase: l.unitsBase, unitPriceFen: l.unitPriceFen, revenueFen: l.revenueFen,
        farmerFen: l.farmerFen, commissionFen: l.commissionFen, hostCommissionFen: l.hostCommissionFen, marginFen: l.marginFen, refundedPacks: l.refundedPacks,
        companyStockBase: l.companyBase,
        allocations: allocations.filter((a) => String(a.sale_line_id) === l.id).map((a) => ({
          id: String(a.id), consignmentLineId: String(a.consignment_line_id), farmerId: String(a.farmer_id), settlementMode: a.settlement_mode, quantityBase: Number(a.quantity_base),
          revenueFen: Number(a.revenue_fen), farmerAmountFen: Number(a.farmer_amount_fen), agentCommissionFen: Number(a.agent_commission_fen),
          collectiveShareFen: Number(a.collective_share_fen), refundedBase: Number(a.refunded_base),
        })),
      })),
    };
  }

  async requireChannel(actor: Principal, channelId: string, forAction: boolean): Promise<Channel> {
    const channel = await this.dataSource.getRepository(SalesChannelEntity).findOneBy({ id: channelId });
    if (!channel || channel.companyId !== actor.companyId || !channel.active) throw channelNotFound();
    try {
      const wh = { id: channel.warehouseId, companyId: channel.companyId };
      if (forAction) assertCanActAtWarehouse(actor, wh); else assertCanSeeWarehouse(actor, wh);
    } catch { throw channelNotFound(); }
    return channel;
  }

  private async showFor(channel: Channel, showId: string | null): Promise<LivestreamShowEntity | null> {
    if (channel.kind !== ChannelKind.LIVESTREAM) {
      if (showId) throw fieldRuleViolation('SHOW_NOT_ALLOWED', 'showId', '非直播渠道没有直播场次', 'only live-stream channels have shows');
      return null;
    }
    if (!showId) throw fieldRuleViolation('SHOW_REQUIRED', 'showId', '直播销售须指明直播场次', 'a live-stream sale names its show');
    const show = await this.dataSource.getRepository(LivestreamShowEntity).findOneBy({ id: showId });
    if (!show || show.channelId !== channel.id) throw fieldRuleViolation('SHOW_NOT_FOUND', 'showId', '该渠道没有这个直播场次', 'no such show on this channel');
    return show;
  }

  private async findExisting(channelId: string, clientId: string | null, externalOrderId: string | null): Promise<string | null> {
    const rows = await this.dataSource.query(
      'SELECT id FROM sale WHERE (client_id = ?) OR (channel_id = ? AND external_order_id = ?) LIMIT 1', [clientId ?? '', channelId, externalOrderId ?? ''],
    ) as Array<{ id: string }>;
    return rows[0] ? String(rows[0].id) : null;
  }

  private async saleIdsFor(em: EntityManager, channelId: string, orders: OrderInput[]): Promise<string[]> {
    const byKey = new Map<string, string>();
    const ext = orders.filter((o) => o.externalOrderId).map((o) => o.externalOrderId!);
    const cli = orders.filter((o) => !o.externalOrderId).map((o) => o.clientId!);
    for (let i = 0; i < ext.length; i += 5000) {
      (await em.query('SELECT id, external_order_id FROM sale WHERE channel_id = ? AND external_order_id IN (?)', [channelId, ext.slice(i, i + 5000)]) as Array<Record<string, string>>)
        .forEach((r) => byKey.set(`e:${r.external_order_id}`, String(r.id)));
    }
    if (cli.length) {
      (await em.query('SELECT id, client_id FROM sale WHERE client_id IN (?)', [cli]) as Array<Record<string, string>>).forEach((r) => byKey.set(`c:${r.client_id}`, String(r.id)));
    }
    return orders.map((o) => byKey.get(o.externalOrderId ? `e:${o.externalOrderId}` : `c:${o.clientId}`)!);
  }
}

function stockShort(field: string, available: number) {
  return new ConflictError('SALE_STOCK_INSUFFICIENT', `${field}: 库存不足，可售 ${available} 包`, `${field}: not enough stock, ${available} packs available`,
    [{ field: `${field}.packs`, message: `可售 ${available} 包`, messageEn: `${available} packs available` }]);
}

/** Price zero or negative only for a giveaway with a reason, and then exactly zero. */
export function validatePrices(order: OrderInput, line: number): BadRow[] {
  return order.lines.flatMap((l) => {
    if (l.unitPriceFen > 0 && !order.giveawayReason) return [];
    if (l.unitPriceFen === 0 && order.giveawayReason) return [];
    return [{ line, field: `${l.field}.unitPriceFen`, message: order.giveawayReason ? '赠品单价须为 0' : '单价须大于 0（赠品须注明原因）' }];
  });
}

type Row = Record<string, unknown> & { __line?: number };

/** CSV (header row; line numbers as in the file) or JSON (`[…]` or `{ orders: […] }`; line = index + 1). */
function parseRows(body: unknown, contentType: string): { rows: Row[]; raw: string } {
  if (typeof body === 'string' || contentType.includes('text/csv')) {
    const raw = String(body ?? '');
    let records: Array<{ record: Row; info: { lines: number } }>;
    try {
      records = parse(raw, { columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: true }) as Array<{ record: Row; info: { lines: number } }>;
    } catch (err) {
      throw new RuleViolationError('IMPORT_FILE_MALFORMED', `文件无法解析：${(err as Error).message}`, `The file cannot be parsed: ${(err as Error).message}`);
    }
    return { rows: records.map((r) => ({ ...r.record, __line: r.info.lines })), raw };
  }
  const list = Array.isArray(body) ? body : (body as { orders?: unknown })?.orders;
  if (!Array.isArray(list)) throw new RuleViolationError('IMPORT_FILE_MALFORMED', 'JSON 须为订单数组或 { orders: [...] }', 'JSON must be an array of rows or { orders: [...] }');
  return { rows: list.map((r, i) => ({ ...(r as Row), __line: i + 1 })), raw: JSON.stringify(list) };
}
