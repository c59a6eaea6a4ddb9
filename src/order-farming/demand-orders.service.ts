import { Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CatalogService, unitUnknown } from '../catalog/catalog.service';
import { ProductEntity } from '../catalog/product.entity';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { assertCanActAtPoint, scopeByPoint } from '../common/access/scope';
import { businessDay } from '../common/business-day';
import { ConflictError, DomainError, NotFoundError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { Page } from '../common/pagination';
import { normalizeQuantity } from '../common/quantity';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { DemandOrderEntity, DemandOrderPointEntity, DemandOrderStatus, DemandPledgeStatus } from './demand-order.entity';
import {
  CloseDemandOrderDto, CreateDemandOrderDto, DemandOrderPointView, DemandOrderProgressView, DemandOrderView, ListDemandOrdersQueryDto,
  ProgressFarmerRow, ProgressPointRow,
} from './dto/order-farming.dto';
import { convertQuantity, isCalendarDay, pledgeDeliveriesSql } from './order-farming-rules';

export const ORDER_FARMING_EVENTS = {
  ORDER_PUBLISHED: 'demand_order.published',
  ORDER_CLOSED: 'demand_order.closed',
  PLEDGE_CREATED: 'demand_pledge.created',
  PLEDGE_CANCELLED: 'demand_pledge.cancelled',
} as const;


export const orderNotFound = () => new NotFoundError('需求订单', 'Demand order', 'DEMAND_ORDER_NOT_FOUND');
export const orderClosed = () => new ConflictError('DEMAND_ORDER_CLOSED', '需求订单已关闭，不能再认购', 'The demand order is closed; no more pledges');

/** The canonical form of a create request: what "the same order" means for retries. */
export function demandOrderRequestHash(dto: CreateDemandOrderDto): string {
  const canonical = {
    buyerName: dto.buyerName, productId: dto.productId, quantity: normalizeQuantity(dto.quantity) ?? dto.quantity, unit: dto.unit,
    priceFen: dto.priceFen, priceUnit: dto.priceUnit, dueDate: dto.dueDate, pointIds: [...dto.pointIds].sort(), note: dto.note ?? null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

type Prepared = {
  product: ProductEntity; quantityText: string; unitSizeBase: number; quantityBase: number; priceUnitSizeBase: number;
  points: Array<{ id: string; name: string }>;
};

type ProgressRow = { point_id: string | null; farmer_id: string | null; farmer_name: string | null; pledged: string; delivered: string; accepted: string; pledges: string };

/**
 * Demand orders (订单农业): a buyer's order for a product by a day at a farmer price, published to
 * commerce points. Admins create and close them; agents see those published to their points,
 * region managers those published in their region.
 */
@Injectable()
export class DemandOrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Creates and publishes an order once per client UUID: a retry with the same body answers the
   * original (created=false), the same UUID with another body is 409 DEMAND_ORDER_ID_REUSED.
   */
  async create(actor: Principal, dto: CreateDemandOrderDto): Promise<{ created: boolean; order: DemandOrderView }> {
    const hash = demandOrderRequestHash(dto);
    let prepared: Prepared;
    try {
      prepared = await this.prepare(actor, dto);
    } catch (err) {
      const existing = err instanceof DomainError ? await this.findByClientId(dto.clientId) : null;
      if (existing) return this.replay(actor, existing, hash);
      throw err;
    }
    try {
      const id = await inTransaction(this.dataSource, (em) => this.insert(em, actor, dto, hash, prepared));
      return { created: true, order: await this.get(actor, id) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const winner = await this.findByClientId(dto.clientId);
      if (!winner) throw err;
      return this.replay(actor, winner, hash);
    }
  }

  /** Closes an open order (no more pledges); deliveries against its pledges stay as they are. Audited. */
  async close(actor: Principal, id: string, dto: CloseDemandOrderDto): Promise<DemandOrderView> {
    await inTransaction(this.dataSource, async (em) => {
      const order = await em.getRepository(DemandOrderEntity).findOne({ where: { id, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!order) throw orderNotFound();
      if (order.status !== DemandOrderStatus.OPEN) throw new ConflictError('DEMAND_ORDER_CLOSED', '需求订单已关闭', 'The demand order is already closed');
      const closedAt = new Date();
      await em.getRepository(DemandOrderEntity).update({ id }, { status: DemandOrderStatus.CLOSED, closedAt, closedBy: actor.id, closeReason: dto.reason });
      await this.audit.record(em, actor, {
        entityType: 'demand_order', entityId: id, action: 'close', reason: dto.reason,
        before: { status: order.status }, after: { status: DemandOrderStatus.CLOSED, closedAt },
      });
      const pointIds = (await em.getRepository(DemandOrderPointEntity).find({ where: { orderId: id }, order: { pointId: 'ASC' } })).map((p) => p.pointId);
      await this.outbox.publish(em, {
        eventType: ORDER_FARMING_EVENTS.ORDER_CLOSED, aggregateType: 'demand_order', aggregateId: id,
        payload: { orderId: id, companyId: order.companyId, productId: order.productId, quantityBase: order.quantityBase, pledgedBase: order.pledgedBase, pointIds, reason: dto.reason },
      });
    });
    return this.get(actor, id);
  }

  list(actor: Principal, query: ListDemandOrdersQueryDto): Promise<Page<DemandOrderView>> {
    return this.listWhere(actor, query);
  }

  async get(actor: Principal, id: string): Promise<DemandOrderView> {
    const page = await this.listWhere(actor, { limit: 1 }, id);
    if (!page.items.length) throw orderNotFound();
    return page.items[0];
  }

  /** The order if the caller can see it (admins: their company's; others: published at a point they see), else 404. */
  async requireVisible(actor: Principal, id: string, em?: EntityManager): Promise<DemandOrderEntity> {
    const qb = (em ?? this.dataSource.manager).getRepository(DemandOrderEntity).createQueryBuilder('o')
      .where('o.id = :id AND o.company_id = :companyId', { id, companyId: actor.companyId });
    this.scopeOrders(qb, actor);
    const order = await qb.getOne();
    if (!order) throw orderNotFound();
    return order;
  }

  /**
   * Pledged, delivered and accepted per point and farmer, over the points the caller sees. One
   * GROUP BY … WITH ROLLUP over the pledges (delivered and accepted summed per pledge first, so a
   * pledge with several lines is counted once) gives the farmer rows, the point subtotals and the total.
   */
  async progress(actor: Principal, id: string): Promise<DemandOrderProgressView> {
    const order = await this.get(actor, id);
    const visible = order.points.map((p) => p.pointId);
    const rows = visible.length === 0 ? [] : await this.dataSource.query(
      `SELECT r.point_id, r.farmer_id, f.name AS farmer_name, r.pledged, r.delivered, r.accepted, r.pledges
       FROM (
         SELECT p.point_id, p.farmer_id,
                SUM(IF(p.status = ?, p.quantity_base, 0)) AS pledged,
                SUM(COALESCE(d.delivered, 0)) AS delivered,
                SUM(COALESCE(d.accepted, 0)) AS accepted,
                SUM(p.status = ?) AS pledges
         FROM demand_pledge p
         LEFT JOIN (${pledgeDeliveriesSql('order_id')}) d ON d.pledge_id = p.id
         WHERE p.order_id = ? AND p.point_id IN (?)
         GROUP BY p.point_id, p.farmer_id WITH ROLLUP
       ) r
       LEFT JOIN farmer f ON f.id = r.farmer_id`,
      [DemandPledgeStatus.ACTIVE, DemandPledgeStatus.ACTIVE, id, id, visible],
    ) as ProgressRow[];
    const figures = (r?: ProgressRow) => ({ pledgedBase: Number(r?.pledged ?? 0), deliveredBase: Number(r?.delivered ?? 0), acceptedBase: Number(r?.accepted ?? 0) });
    const pointTotals = new Map<string, ProgressRow>();
    const farmersByPoint = new Map<string, ProgressFarmerRow[]>();
    let total: ProgressRow | undefined;
    for (const r of rows) {
      if (r.point_id === null) { total = r; continue; }
      const pointId = String(r.point_id);
      if (r.farmer_id === null) { pointTotals.set(pointId, r); continue; }
      const f = figures(r);
      if (f.pledgedBase === 0 && f.deliveredBase === 0) continue; // only cancelled pledges, nothing delivered
      const list = farmersByPoint.get(pointId) ?? [];
      list.push({ farmerId: String(r.farmer_id), farmerName: r.farmer_name ?? '', pledgeCount: Number(r.pledges), ...f });
      farmersByPoint.set(pointId, list);
    }
    const points: ProgressPointRow[] = order.points.map((p) => ({
      pointId: p.pointId, pointName: p.pointName, ...figures(pointTotals.get(p.pointId)), farmers: farmersByPoint.get(p.pointId) ?? [],
    }));
    return { order, totals: figures(total), points };
  }

  /** The farmer app: open orders, not past due, published at the farmer's point, with what is left to pledge (newest first, at most 100). */
  async listOpenAtPoint(companyId: string, pointId: string): Promise<DemandOrderView[]> {
    const orders = await this.dataSource.getRepository(DemandOrderEntity).createQueryBuilder('o')
      .innerJoin(DemandOrderPointEntity, 'dop', 'dop.order_id = o.id AND dop.point_id = :pointId', { pointId })
      .where('o.company_id = :companyId AND o.status = :status AND o.due_date >= :today', { companyId, status: DemandOrderStatus.OPEN, today: businessDay(new Date()) })
      .orderBy('o.id', 'DESC').take(100).getMany();
    if (orders.length === 0) return [];
    const [names, point] = await Promise.all([
      this.dataSource.query('SELECT id, name FROM product WHERE id IN (?)', [[...new Set(orders.map((o) => o.productId))]]) as Promise<Array<{ id: string; name: string }>>,
      this.dataSource.query('SELECT name FROM commerce_point WHERE id = ?', [pointId]) as Promise<Array<{ name: string }>>,
    ]);
    const byId = new Map(names.map((p) => [String(p.id), p.name]));
    return orders.map((o) => toOrderView(o, byId.get(o.productId) ?? '', [{ pointId, pointName: point[0]?.name ?? '' }]));
  }

  /** Orders in scope, newest first, each with product name and the published points the caller sees: three queries per page. */
  private async listWhere(actor: Principal, query: ListDemandOrdersQueryDto, id?: string): Promise<Page<DemandOrderView>> {
    const limit = query.limit ?? 50;
    const qb = this.dataSource.getRepository(DemandOrderEntity).createQueryBuilder('o')
      .where('o.company_id = :companyId', { companyId: actor.companyId });
    this.scopeOrders(qb, actor);
    if (id) qb.andWhere('o.id = :id', { id });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.productId) qb.andWhere('o.product_id = :productId', { productId: query.productId });
    if (query.pointId) {
      qb.andWhere('EXISTS (SELECT 1 FROM demand_order_point fp WHERE fp.order_id = o.id AND fp.point_id = :filterPoint)', { filterPoint: query.pointId });
    }
    if (query.cursor) qb.andWhere('o.id < :cursor', { cursor: query.cursor });
    const rows = await qb.orderBy('o.id', 'DESC').take(limit + 1).getMany();
    const items = rows.slice(0, limit);
    const views = await this.toViews(actor, items);
    return { items: views, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  private async toViews(actor: Principal, orders: DemandOrderEntity[]): Promise<DemandOrderView[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const pointsQb = this.dataSource.getRepository(DemandOrderPointEntity).createQueryBuilder('dop')
      .innerJoin('commerce_point', 'cp', 'cp.id = dop.point_id')
      .select(['dop.order_id AS order_id', 'dop.point_id AS point_id', 'cp.name AS point_name'])
      .where('dop.order_id IN (:...ids)', { ids })
      .orderBy('dop.point_id', 'ASC');
    if (actor.role !== Role.ADMIN) scopeByPoint(pointsQb, 'dop.point_id', actor);
    const [pointRows, productRows] = await Promise.all([
      pointsQb.getRawMany<{ order_id: string; point_id: string; point_name: string }>(),
      this.dataSource.query('SELECT id, name FROM product WHERE id IN (?)', [[...new Set(orders.map((o) => o.productId))]]) as Promise<Array<{ id: string; name: string }>>,
    ]);
    const names = new Map(productRows.map((p) => [String(p.id), p.name]));
    const points = new Map<string, DemandOrderPointView[]>();
    for (const r of pointRows) points.set(String(r.order_id), [...(points.get(String(r.order_id)) ?? []), { pointId: String(r.point_id), pointName: r.point_name }]);
    return orders.map((o) => toOrderView(o, names.get(o.productId) ?? '', points.get(o.id) ?? []));
  }

  /** Non-admins see an order only if it is published at a point they see. */
  private scopeOrders(qb: SelectQueryBuilder<DemandOrderEntity>, actor: Principal): void {
    if (actor.role === Role.ADMIN) return;
    const sub = this.dataSource.getRepository(DemandOrderPointEntity).createQueryBuilder('sp').select('1').where('sp.order_id = o.id');
    scopeByPoint(sub, 'sp.point_id', actor);
    qb.andWhere(`EXISTS (${sub.getQuery()})`, sub.getParameters());
  }

  private findByClientId(clientId: string): Promise<DemandOrderEntity | null> {
    return this.dataSource.getRepository(DemandOrderEntity).findOneBy({ clientId });
  }

  private async replay(actor: Principal, existing: DemandOrderEntity, hash: string): Promise<{ created: boolean; order: DemandOrderView }> {
    if (existing.companyId !== actor.companyId || existing.requestHash !== hash) {
      throw new ConflictError('DEMAND_ORDER_ID_REUSED', '该单号已用于另一张需求订单', 'This clientId was already used for a different demand order',
        [{ field: 'clientId', message: '已被另一张需求订单使用', messageEn: 'already used for a different demand order' }]);
    }
    return { created: false, order: await this.get(actor, existing.id) };
  }

  /** Product, units, exact conversion, due day and points (404 for a point outside the company), read set-wise. */
  private async prepare(actor: Principal, dto: CreateDemandOrderDto): Promise<Prepared> {
    if (!isCalendarDay(dto.dueDate)) throw fieldRuleViolation('DUE_DATE_INVALID', 'dueDate', '日期不存在', 'not a calendar date');
    if (dto.dueDate < businessDay(new Date())) throw fieldRuleViolation('DUE_DATE_IN_PAST', 'dueDate', '交货截止日已过', 'the due date is in the past');
    const [products, pointRows] = await Promise.all([
      this.catalog.loadForIntake(actor.companyId, [dto.productId], new Date()),
      this.dataSource.query('SELECT id, company_id, region_path, name, active FROM commerce_point WHERE id IN (?)', [dto.pointIds]) as Promise<Array<Record<string, string | number>>>,
    ]);
    const byId = new Map(pointRows.map((r) => [String(r.id), r]));
    const points = dto.pointIds.map((pointId, i) => {
      const r = byId.get(pointId);
      assertCanActAtPoint(actor, r ? { id: pointId, companyId: String(r.company_id), regionPath: String(r.region_path) } : null);
      if (!Number(r!.active)) throw fieldRuleViolation('POINT_INACTIVE', `pointIds.${i}`, '服务点已停用', 'commerce point is inactive');
      return { id: pointId, name: String(r!.name) };
    });
    const product = products.get(dto.productId)?.product;
    if (!product) throw fieldRuleViolation('PRODUCT_NOT_FOUND', 'productId', '商品不存在', 'product not found');
    if (!product.active) throw fieldRuleViolation('PRODUCT_INACTIVE', 'productId', '商品已停用', 'product is inactive');
    const unit = product.units.find((u) => u.name === dto.unit);
    if (!unit) throw unitUnknown('unit', product, dto.unit);
    const priceUnit = product.units.find((u) => u.name === dto.priceUnit);
    if (!priceUnit) throw unitUnknown('priceUnit', product, dto.priceUnit);
    const converted = convertQuantity(dto.quantity, unit.baseUnitsPerDisplayUnit, 'quantity');
    return { product, quantityText: converted.normalized, unitSizeBase: unit.baseUnitsPerDisplayUnit, quantityBase: converted.quantityBase, priceUnitSizeBase: priceUnit.baseUnitsPerDisplayUnit, points };
  }

  private async insert(em: EntityManager, actor: Principal, dto: CreateDemandOrderDto, hash: string, p: Prepared): Promise<string> {
    const values = {
      companyId: actor.companyId, clientId: dto.clientId, requestHash: hash, buyerName: dto.buyerName, productId: p.product.id,
      quantityText: p.quantityText, unitName: dto.unit, unitSizeBase: p.unitSizeBase, quantityBase: p.quantityBase, pledgedBase: 0,
      priceFen: dto.priceFen, priceUnitName: dto.priceUnit, priceUnitSizeBase: p.priceUnitSizeBase, dueDate: dto.dueDate,
      status: DemandOrderStatus.OPEN, note: dto.note ?? null, createdBy: actor.id,
    };
    const inserted = await em.createQueryBuilder().insert().into(DemandOrderEntity).values(values).updateEntity(false).execute();
    const id = String((inserted.raw as { insertId: number | string }).insertId);
    await em.query(`INSERT INTO demand_order_point (order_id, point_id) VALUES ${p.points.map(() => '(?, ?)').join(', ')}`, p.points.flatMap((pt) => [id, pt.id]));
    await this.audit.record(em, actor, {
      entityType: 'demand_order', entityId: id, action: 'create',
      after: { ...values, requestHash: undefined, pointIds: p.points.map((pt) => pt.id) },
    });
    await this.outbox.publish(em, {
      eventType: ORDER_FARMING_EVENTS.ORDER_PUBLISHED, aggregateType: 'demand_order', aggregateId: id,
      payload: {
        orderId: id, companyId: actor.companyId, buyerName: dto.buyerName, productId: p.product.id, productName: p.product.name,
        quantity: p.quantityText, unit: dto.unit, quantityBase: p.quantityBase, priceFen: dto.priceFen, priceUnitName: dto.priceUnit,
        dueDate: dto.dueDate, note: dto.note ?? null, points: p.points.map((pt) => ({ pointId: pt.id, pointName: pt.name })),
      },
    });
    return id;
  }
}

export function toOrderView(o: DemandOrderEntity, productName: string, points: DemandOrderPointView[]): DemandOrderView {
  return {
    id: o.id, clientId: o.clientId, buyerName: o.buyerName, productId: o.productId, productName, quantity: o.quantityText, unit: o.unitName,
    unitSizeBase: o.unitSizeBase, quantityBase: o.quantityBase, pledgedBase: o.pledgedBase, remainingBase: o.quantityBase - o.pledgedBase,
    priceFen: o.priceFen, priceUnitName: o.priceUnitName, priceUnitSizeBase: o.priceUnitSizeBase, dueDate: o.dueDate, status: o.status,
    note: o.note, createdAt: o.createdAt, closedAt: o.closedAt, closeReason: o.closeReason, points,
  };
}
