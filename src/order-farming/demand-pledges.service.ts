import { Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CatalogService, unitUnknown } from '../catalog/catalog.service';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { canActAtPoint, scopeByPoint } from '../common/access/scope';
import { businessDay } from '../common/business-day';
import { ConflictError, DomainError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { Page } from '../common/pagination';
import { normalizeQuantity } from '../common/quantity';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { FarmersService } from '../farmers/farmers.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { OutboxService } from '../outbox/outbox.service';
import { DemandOrderEntity, DemandOrderStatus, DemandPledgeEntity, DemandPledgeStatus } from './demand-order.entity';
import { DemandOrdersService, ORDER_FARMING_EVENTS, orderClosed, orderNotFound } from './demand-orders.service';
import { CancelPledgeDto, CreateMyPledgeDto, CreatePledgeDto, ListPledgesQueryDto, MyPledgeView, MyPledgesQueryDto, PledgeView } from './dto/order-farming.dto';
import { convertQuantity, pledgeDeliveriesSql } from './order-farming-rules';

type PledgeInput = { clientId: string; orderId: string; pointId: string; farmerId: string; quantity: string; unit: string };
type Prepared = { order: DemandOrderEntity; productName: string; quantityBase: number; quantityText: string; today: string };

const pledgeNotFound = () => new NotFoundError('认购', 'Pledge', 'PLEDGE_NOT_FOUND');

/** The canonical form of a pledge request: what "the same pledge" means for retries. */
export function pledgeRequestHash(p: PledgeInput): string {
  const canonical = [p.orderId, p.pointId, p.farmerId, normalizeQuantity(p.quantity) ?? p.quantity, p.unit];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export const toPledgeView = (p: DemandPledgeEntity): PledgeView => ({
  id: p.id, clientId: p.clientId, orderId: p.orderId, pointId: p.pointId, farmerId: p.farmerId, quantity: p.quantityText, unit: p.unitName,
  quantityBase: p.quantityBase, status: p.status, createdByKind: p.createdByKind, createdAt: p.createdAt, cancelledAt: p.cancelledAt, cancelReason: p.cancelReason,
});

/** A consignment line that names a pledge, as intake hands it over. */
export type IntakePledgeLine = { field: string; productId: string; pledgeId: string };

/**
 * Pledges (认购) against demand orders: by the agent for a farmer, or by the farmer in the app.
 * The order's `pledged_base` only moves through one conditional UPDATE, so concurrent pledges can
 * never exceed the order (and the database CHECK refuses it too). Intake links consignment lines
 * to pledges through `checkForIntake` and `recordDeliveries`.
 */
@Injectable()
export class DemandPledgesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: DemandOrdersService,
    private readonly points: CommercePointsService,
    private readonly farmers: FarmersService,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** An agent (at the point) or admin pledges for a farmer; 201 new, 200 the original on a retry. */
  async pledgeByStaff(actor: Principal, orderId: string, dto: CreatePledgeDto): Promise<{ created: boolean; pledge: PledgeView }> {
    const input: PledgeInput = { ...dto, orderId };
    return this.pledge(actor, input, async () => {
      const order = await this.orders.requireVisible(actor, orderId);
      await this.points.requireActivePointForAction(actor, dto.pointId);
      if (!(await this.isPublishedAt(orderId, dto.pointId))) {
        throw fieldRuleViolation('ORDER_NOT_PUBLISHED_AT_POINT', 'pointId', '该需求订单未发布到这个服务点', 'the demand order is not published to this point');
      }
      const farmer = await this.farmers.requireFarmerInCompany(actor.companyId, dto.farmerId).catch((err) => {
        throw err instanceof NotFoundError ? fieldRuleViolation('FARMER_NOT_FOUND', 'farmerId', '农户不存在', 'farmer not found') : err;
      });
      if (!farmer.active) throw fieldRuleViolation('FARMER_INACTIVE', 'farmerId', '农户已停用', 'farmer is inactive');
      return order;
    });
  }

  /** The farmer pledges in the app, at the usual point unless another is named; an order not published there is 404. */
  async pledgeByFarmer(farmer: Principal, dto: CreateMyPledgeDto): Promise<{ created: boolean; pledge: PledgeView }> {
    const ref = await this.farmers.findRef(farmer.id);
    if (!ref || ref.companyId !== farmer.companyId || !ref.active) throw new NotFoundError('农户', 'Farmer', 'FARMER_NOT_FOUND');
    const input: PledgeInput = { clientId: dto.clientId, orderId: dto.orderId, pointId: dto.pointId ?? ref.usualPointId, farmerId: ref.id, quantity: dto.quantity, unit: dto.unit };
    return this.pledge(farmer, input, async () => {
      const order = await this.dataSource.getRepository(DemandOrderEntity).findOneBy({ id: dto.orderId, companyId: ref.companyId });
      if (!order || !(await this.isPublishedAt(order.id, input.pointId))) throw orderNotFound();
      return order;
    });
  }

  /** Cancels an active pledge with a reason and gives its quantity back to the order. Audited. */
  async cancel(actor: Principal, id: string, dto: CancelPledgeDto): Promise<PledgeView> {
    return inTransaction(this.dataSource, async (em) => {
      const pledge = await em.getRepository(DemandPledgeEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const order = pledge ? await em.getRepository(DemandOrderEntity).findOneBy({ id: pledge.orderId }) : null;
      if (!pledge || !order || order.companyId !== actor.companyId) throw pledgeNotFound();
      const point = await this.points.requireVisiblePoint(actor, pledge.pointId, em).catch(() => { throw pledgeNotFound(); });
      if (!canActAtPoint(actor, point)) throw pledgeNotFound();
      if (pledge.status !== DemandPledgeStatus.ACTIVE) throw new ConflictError('PLEDGE_ALREADY_CANCELLED', '认购已取消', 'The pledge is already cancelled');
      // A locking read: a delivery linked by an intake that committed while we waited for the pledge lock is seen.
      const [{ n }] = await em.query(
        `SELECT COUNT(*) AS n FROM demand_pledge_delivery d JOIN consignment_line cl ON cl.id = d.consignment_line_id
         WHERE d.pledge_id = ? AND cl.status <> 'VOIDED' LOCK IN SHARE MODE`, [id],
      ) as Array<{ n: string }>;
      if (Number(n) > 0) throw new ConflictError('PLEDGE_HAS_DELIVERIES', '该认购已有交货，不能取消', 'The pledge already has deliveries and cannot be cancelled');
      const cancelledAt = new Date();
      await em.getRepository(DemandPledgeEntity).update({ id }, { status: DemandPledgeStatus.CANCELLED, cancelledAt, cancelledBy: actor.id, cancelReason: dto.reason });
      const released = await em.query('UPDATE demand_order SET pledged_base = pledged_base - ? WHERE id = ? AND pledged_base >= ?', [pledge.quantityBase, order.id, pledge.quantityBase]);
      if ((released as { affectedRows: number }).affectedRows !== 1) {
        throw new DomainError('PLEDGE_RELEASE_MISMATCH', 500, '释放认购数量失败', `Order ${order.id} has less pledged than pledge ${id}`);
      }
      await this.audit.record(em, actor, {
        entityType: 'demand_pledge', entityId: id, action: 'cancel', reason: dto.reason,
        before: { status: pledge.status }, after: { status: DemandPledgeStatus.CANCELLED, cancelledAt },
      });
      await this.outbox.publish(em, {
        eventType: ORDER_FARMING_EVENTS.PLEDGE_CANCELLED, aggregateType: 'demand_pledge', aggregateId: id,
        payload: { pledgeId: id, orderId: order.id, companyId: order.companyId, pointId: pledge.pointId, farmerId: pledge.farmerId, quantityBase: pledge.quantityBase, reason: dto.reason },
      });
      return toPledgeView(await em.getRepository(DemandPledgeEntity).findOneByOrFail({ id }));
    });
  }

  /** Pledges at the points the caller sees, newest first. */
  async list(actor: Principal, query: ListPledgesQueryDto): Promise<Page<PledgeView>> {
    const limit = query.limit ?? 50;
    const qb = this.dataSource.getRepository(DemandPledgeEntity).createQueryBuilder('p')
      .innerJoin(DemandOrderEntity, 'o', 'o.id = p.order_id')
      .where('o.company_id = :companyId', { companyId: actor.companyId });
    if (actor.role !== Role.ADMIN) scopeByPoint(qb, 'p.point_id', actor);
    if (query.orderId) qb.andWhere('p.order_id = :orderId', { orderId: query.orderId });
    if (query.pointId) qb.andWhere('p.point_id = :pointId', { pointId: query.pointId });
    if (query.farmerId) qb.andWhere('p.farmer_id = :farmerId', { farmerId: query.farmerId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.cursor) qb.andWhere('p.id < :cursor', { cursor: query.cursor });
    const rows = await qb.orderBy('p.id', 'DESC').take(limit + 1).getMany();
    const items = rows.slice(0, limit);
    return { items: items.map(toPledgeView), nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  /** The farmer app: the farmer's own pledges with their order and what was delivered and accepted against each. One query per page. */
  async listForFarmer(companyId: string, farmerId: string, query: MyPledgesQueryDto): Promise<Page<MyPledgeView>> {
    const limit = query.limit ?? 20;
    const rows = await this.dataSource.query(
      `SELECT p.id, p.client_id, p.order_id, p.point_id, cp.name AS point_name, p.farmer_id, p.quantity_text, p.unit_name, p.quantity_base,
              p.status, p.created_by_kind, p.created_at, p.cancelled_at, p.cancel_reason,
              o.buyer_name, o.product_id, pr.name AS product_name, o.price_fen, o.price_unit_name, DATE_FORMAT(o.due_date, '%Y-%m-%d') AS due_date, o.status AS order_status,
              COALESCE(d.delivered, 0) AS delivered, COALESCE(d.accepted, 0) AS accepted
       FROM demand_pledge p
       JOIN demand_order o ON o.id = p.order_id AND o.company_id = ?
       JOIN product pr ON pr.id = o.product_id
       JOIN commerce_point cp ON cp.id = p.point_id
       LEFT JOIN (${pledgeDeliveriesSql('farmer_id')}) d ON d.pledge_id = p.id
       WHERE p.farmer_id = ? ${query.cursor ? 'AND p.id < ?' : ''}
       ORDER BY p.id DESC LIMIT ?`,
      [companyId, farmerId, farmerId, ...(query.cursor ? [query.cursor] : []), limit + 1],
    ) as Array<Record<string, string | number | Date | null>>;
    const items = rows.slice(0, limit).map((r): MyPledgeView => ({
      id: String(r.id), clientId: String(r.client_id), orderId: String(r.order_id), pointId: String(r.point_id), pointName: String(r.point_name),
      farmerId: String(r.farmer_id), quantity: String(r.quantity_text), unit: String(r.unit_name), quantityBase: Number(r.quantity_base),
      status: r.status as DemandPledgeStatus, createdByKind: r.created_by_kind as 'staff' | 'farmer', createdAt: r.created_at as Date,
      cancelledAt: (r.cancelled_at as Date | null) ?? null, cancelReason: (r.cancel_reason as string | null) ?? null,
      order: {
        id: String(r.order_id), buyerName: String(r.buyer_name), productId: String(r.product_id), productName: String(r.product_name),
        priceFen: Number(r.price_fen), priceUnitName: String(r.price_unit_name), dueDate: String(r.due_date), status: r.order_status as DemandOrderStatus,
      },
      deliveredBase: Number(r.delivered), acceptedBase: Number(r.accepted),
    }));
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  /**
   * For intake, before its transaction: each line's pledge must exist in the company, be active, be
   * the consignment's farmer's, at its point, for the line's product, on an open order (422 on
   * `lines.<i>.pledgeId` otherwise). One query for all lines.
   */
  async checkForIntake(companyId: string, pointId: string, farmerId: string, lines: IntakePledgeLine[]): Promise<void> {
    if (lines.length === 0) return;
    const rows = await this.dataSource.query(
      `SELECT p.id, p.point_id, p.farmer_id, p.status, o.product_id, o.status AS order_status
       FROM demand_pledge p JOIN demand_order o ON o.id = p.order_id AND o.company_id = ?
       WHERE p.id IN (?)`,
      [companyId, [...new Set(lines.map((l) => l.pledgeId))]],
    ) as Array<Record<string, string>>;
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    for (const l of lines) {
      const p = byId.get(l.pledgeId);
      if (!p) throw fieldRuleViolation('PLEDGE_NOT_FOUND', l.field, '认购不存在', 'pledge not found');
      if (String(p.farmer_id) !== farmerId) throw fieldRuleViolation('PLEDGE_FARMER_MISMATCH', l.field, '该认购不是这位农户的', 'the pledge belongs to another farmer');
      if (String(p.point_id) !== pointId) throw fieldRuleViolation('PLEDGE_POINT_MISMATCH', l.field, '该认购的交货服务点不是本服务点', 'the pledge is for delivery at another point');
      if (String(p.product_id) !== l.productId) throw fieldRuleViolation('PLEDGE_PRODUCT_MISMATCH', l.field, '该认购的商品与本行不同', 'the pledge is for another product');
      if (p.status !== DemandPledgeStatus.ACTIVE) throw fieldRuleViolation('PLEDGE_CANCELLED', l.field, '该认购已取消', 'the pledge is cancelled');
      if (p.order_status !== DemandOrderStatus.OPEN) throw fieldRuleViolation('PLEDGE_ORDER_CLOSED', l.field, '该认购的需求订单已关闭', 'the pledge\'s demand order is closed');
    }
  }

  /**
   * For intake, in its transaction: links each line to its pledge, in one INSERT … SELECT that only
   * takes a pledge still active on an open order (its shared locks hold off a concurrent cancel or
   * close until the intake commits). A pledge cancelled or an order closed since the check is 409
   * and the whole intake rolls back.
   */
  async recordDeliveries(em: EntityManager, links: Array<{ pledgeId: string; consignmentLineId: string }>): Promise<void> {
    if (links.length === 0) return;
    const source = links.map(() => 'SELECT ? AS pledge_id, ? AS line_id').join(' UNION ALL ');
    const result = await em.query(
      `INSERT INTO demand_pledge_delivery (pledge_id, consignment_line_id)
       SELECT p.id, x.line_id FROM (${source}) x
       JOIN demand_pledge p ON p.id = x.pledge_id AND p.status = ?
       JOIN demand_order o ON o.id = p.order_id AND o.status = ?`,
      [...links.flatMap((l) => [l.pledgeId, l.consignmentLineId]), DemandPledgeStatus.ACTIVE, DemandOrderStatus.OPEN],
    );
    if ((result as { affectedRows: number }).affectedRows !== links.length) {
      throw new ConflictError('PLEDGE_NO_LONGER_OPEN', '认购已取消或需求订单已关闭', 'A pledge was cancelled or its demand order closed meanwhile');
    }
  }

  /**
   * Idempotent by client UUID like every field create: a retry with the same body answers the
   * original, another body is 409 PLEDGE_ID_REUSED. `resolveOrder` does the caller-specific scope
   * checks and returns the order.
   */
  private async pledge(actor: Principal, input: PledgeInput, resolveOrder: () => Promise<DemandOrderEntity>): Promise<{ created: boolean; pledge: PledgeView }> {
    const hash = pledgeRequestHash(input);
    let prepared: Prepared;
    try {
      prepared = await this.prepare(input, await resolveOrder());
    } catch (err) {
      const existing = err instanceof DomainError ? await this.findByClientId(input.clientId) : null;
      if (existing) return this.replay(actor, existing, hash);
      throw err;
    }
    try {
      return { created: true, pledge: await inTransaction(this.dataSource, (em) => this.insert(em, actor, input, hash, prepared)) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const winner = await this.findByClientId(input.clientId);
      if (!winner) throw err;
      return this.replay(actor, winner, hash);
    }
  }

  /** State, due day and the exact quantity; the remaining quantity is checked here for a clear answer and again, authoritatively, by the UPDATE. */
  private async prepare(input: PledgeInput, order: DemandOrderEntity): Promise<Prepared> {
    if (order.status !== DemandOrderStatus.OPEN) throw orderClosed();
    const today = businessDay(new Date());
    if (order.dueDate < today) throw new RuleViolationError('DEMAND_ORDER_PAST_DUE', '需求订单已过交货截止日，不能再认购', 'The demand order is past its due date; no more pledges');
    const product = (await this.catalog.loadForIntake(order.companyId, [order.productId], new Date())).get(order.productId)?.product;
    if (!product) throw orderNotFound();
    const unit = product.units.find((u) => u.name === input.unit);
    if (!unit) throw unitUnknown('unit', product, input.unit);
    const { quantityBase, normalized } = convertQuantity(input.quantity, unit.baseUnitsPerDisplayUnit, 'quantity');
    const remaining = order.quantityBase - order.pledgedBase;
    if (quantityBase > remaining) throw exceedsRemaining(remaining);
    return { order, productName: product.name, quantityBase, quantityText: normalized, today };
  }

  private async insert(em: EntityManager, actor: Principal, input: PledgeInput, hash: string, p: Prepared): Promise<PledgeView> {
    const { order } = p;
    // The one place pledged_base grows: the row lock orders concurrent pledges and each sees the others' sums.
    const moved = await em.query(
      `UPDATE demand_order SET pledged_base = pledged_base + ?
       WHERE id = ? AND status = ? AND due_date >= ? AND pledged_base + ? <= quantity_base`,
      [p.quantityBase, order.id, DemandOrderStatus.OPEN, p.today, p.quantityBase],
    );
    if ((moved as { affectedRows: number }).affectedRows !== 1) {
      const now = await em.getRepository(DemandOrderEntity).findOneByOrFail({ id: order.id });
      if (now.status !== DemandOrderStatus.OPEN) throw orderClosed();
      if (now.dueDate < p.today) throw new RuleViolationError('DEMAND_ORDER_PAST_DUE', '需求订单已过交货截止日，不能再认购', 'The demand order is past its due date; no more pledges');
      throw exceedsRemaining(now.quantityBase - now.pledgedBase);
    }
    const values = {
      orderId: order.id, pointId: input.pointId, farmerId: input.farmerId, clientId: input.clientId, requestHash: hash,
      quantityText: p.quantityText, unitName: input.unit, quantityBase: p.quantityBase, status: DemandPledgeStatus.ACTIVE,
      createdBy: actor.id, createdByKind: actor.kind, cancelledAt: null, cancelledBy: null, cancelReason: null,
    };
    const inserted = await em.createQueryBuilder().insert().into(DemandPledgeEntity).values(values).updateEntity(false).execute();
    const id = String((inserted.raw as { insertId: number | string }).insertId);
    await this.audit.record(em, actor, { entityType: 'demand_pledge', entityId: id, action: 'create', after: { ...values, requestHash: undefined } });
    await this.outbox.publish(em, {
      eventType: ORDER_FARMING_EVENTS.PLEDGE_CREATED, aggregateType: 'demand_pledge', aggregateId: id,
      payload: {
        pledgeId: id, orderId: order.id, companyId: order.companyId, pointId: input.pointId, farmerId: input.farmerId,
        quantity: p.quantityText, unit: input.unit, quantityBase: p.quantityBase, productId: order.productId, productName: p.productName,
        buyerName: order.buyerName, dueDate: order.dueDate, priceFen: order.priceFen, priceUnitName: order.priceUnitName, createdByKind: actor.kind,
      },
    });
    const now = new Date();
    return toPledgeView({ ...values, id, createdAt: now } as DemandPledgeEntity);
  }

  private findByClientId(clientId: string): Promise<DemandPledgeEntity | null> {
    return this.dataSource.getRepository(DemandPledgeEntity).findOneBy({ clientId });
  }

  private async replay(actor: Principal, existing: DemandPledgeEntity, hash: string): Promise<{ created: boolean; pledge: PledgeView }> {
    const order = await this.dataSource.getRepository(DemandOrderEntity).findOneBy({ id: existing.orderId });
    const own = actor.kind === 'farmer' ? existing.farmerId === actor.id : true;
    if (!order || order.companyId !== actor.companyId || existing.requestHash !== hash || !own) {
      throw new ConflictError('PLEDGE_ID_REUSED', '该单号已用于另一笔认购', 'This clientId was already used for a different pledge',
        [{ field: 'clientId', message: '已被另一笔认购使用', messageEn: 'already used for a different pledge' }]);
    }
    return { created: false, pledge: toPledgeView(existing) };
  }

  private async isPublishedAt(orderId: string, pointId: string): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT 1 FROM demand_order_point WHERE order_id = ? AND point_id = ?', [orderId, pointId]) as unknown[];
    return rows.length > 0;
  }
}

function exceedsRemaining(remainingBase: number): RuleViolationError {
  return new RuleViolationError('PLEDGE_EXCEEDS_REMAINING', `认购数量超过订单剩余数量（剩余 ${remainingBase} 基本单位）`,
    `The pledge exceeds the order's remaining quantity (${remainingBase} base units left)`,
    [{ field: 'quantity', message: `剩余 ${remainingBase} 基本单位`, messageEn: `${remainingBase} base units left` }]);
}
