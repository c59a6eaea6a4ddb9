import { randomUUID } from 'crypto';
import { businessDay } from '../../src/common/business-day';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { loginFarmer } from '../support/farmer-app';
import { Caller, callersFor, expectErrorBody } from '../support/http';

/** Order farming (订单农业): demand orders published to points, pledges, intake against pledges, progress, the farmer's view. */
describe('Order farming (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmer1: { id: string; phone: string };
  let farmer2: { id: string; phone: string };
  let farmer3: { id: string; phone: string };
  let farmerB: { id: string; phone: string };

  const due = (days = 10) => businessDay(new Date(Date.now() + days * 86_400_000));
  const orderBody = (extra: Record<string, unknown> = {}) => ({
    clientId: randomUUID(), buyerName: '桃江小妹直播团队', productId: products.dfr.id, quantity: 5000, unit: '瓶',
    priceFen: 2000, priceUnit: '瓶', dueDate: due(), pointIds: [org.pointA.id, org.pointB.id], ...extra,
  });
  const newOrder = async (extra: Record<string, unknown> = {}) => (await c.admin.post('/api/v1/demand-orders', orderBody(extra)).expect(201)).body;
  const pledgeBody = (farmerId: string, quantity: number | string, extra: Record<string, unknown> = {}) => ({
    clientId: randomUUID(), pointId: org.pointA.id, farmerId, quantity, unit: '瓶', ...extra,
  });
  const pledge = async (orderId: string, farmerId: string, quantity: number) =>
    (await c.agentA.post(`/api/v1/demand-orders/${orderId}/pledges`, pledgeBody(farmerId, quantity)).expect(201)).body;
  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].n);
  const pledged = async (orderId: string) => count('SELECT pledged_base AS n FROM demand_order WHERE id = ?', [orderId]);
  const dfrLine = (quantity: number, pledgeId?: string) => ({ productId: products.dfr.id, quantity, unit: '瓶', gradeCode: 'A', ...(pledgeId ? { pledgeId } : {}) });
  const dfrQc = (lineNo: number, accepted: number, rejected: number) => ({
    lineNo, accepted: [{ gradeCode: 'A', quantity: accepted }],
    rejected: rejected ? [{ reason: 'LEAKING', quantity: rejected, disposition: 'RETURNED_TO_FARMER' }] : [],
    checklist: { seal: true, label: true, productionDate: true },
  });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    other = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    const farmer = async (caller: Caller, village: string, point: string, name: string) =>
      (await caller.post('/api/v1/farmers', farmerBody(village, point, { name })).expect(201)).body as { id: string; phone: string };
    farmer1 = await farmer(c.agentA, org.regions.villageA.id, org.pointA.id, '吴金兰');
    farmer2 = await farmer(c.agentA, org.regions.villageA.id, org.pointA.id, '李秋菊');
    farmer3 = await farmer(c.agentA, org.regions.villageA.id, org.pointA.id, '张小梅');
    farmerB = await farmer(c.agentB, org.regions.villageB.id, org.pointB.id, '刘春花');
  });
  afterAll(() => t.close());

  describe('creating and publishing', () => {
    it('should convert the quantity exactly, publish to the chosen points and write the event', async () => {
      const order = await newOrder();
      expect(order).toEqual(expect.objectContaining({
        buyerName: '桃江小妹直播团队', productId: products.dfr.id, productName: '豆腐乳', quantity: '5000', unit: '瓶', quantityBase: 5000,
        pledgedBase: 0, remainingBase: 5000, priceFen: 2000, priceUnitName: '瓶', priceUnitSizeBase: 1, dueDate: due(), status: 'OPEN',
      }));
      expect(order.points.map((p: { pointId: string }) => p.pointId)).toEqual([org.pointA.id, org.pointB.id].sort((a, b) => Number(a) - Number(b)));
      const [event] = await t.dataSource.query('SELECT payload FROM outbox_event WHERE event_type = ? AND aggregate_id = ?', ['demand_order.published', order.id]);
      expect(event.payload).toEqual(expect.objectContaining({ orderId: order.id, productName: '豆腐乳', quantityBase: 5000, priceFen: 2000, dueDate: due() }));
      expect(event.payload.points).toHaveLength(2);

      const tzc = await newOrder({ productId: products.tzc.id, quantity: '2.5', unit: '斤', priceFen: 1500, priceUnit: '斤' });
      expect(tzc).toEqual(expect.objectContaining({ quantity: '2.5', quantityBase: 1250, priceUnitSizeBase: 500 }));
    });

    it('should answer a retry with the original (200) and refuse the same clientId with another body (409)', async () => {
      const body = orderBody();
      const first = await c.admin.post('/api/v1/demand-orders', body).expect(201);
      const again = await c.admin.post('/api/v1/demand-orders', body).expect(200);
      expect(again.body.id).toBe(first.body.id);
      const reused = await c.admin.post('/api/v1/demand-orders', { ...body, quantity: 4000 }).expect(409);
      expectErrorBody(reused.body, 409, 'DEMAND_ORDER_ID_REUSED');
      expect(await count('SELECT COUNT(*) AS n FROM demand_order WHERE client_id = ?', [body.clientId])).toBe(1);
    });

    it.each([
      ['a point of another company', () => ({ pointIds: [org.pointA.id, other.pointA.id] }), 404, 'POINT_NOT_FOUND'],
      ['a quantity that is not whole base units', () => ({ productId: products.tzc.id, quantity: '0.001', unit: '斤', priceUnit: '斤' }), 422, 'QUANTITY_NOT_WHOLE_BASE_UNIT'],
      ['a unit the product lacks', () => ({ unit: '斤' }), 422, 'UNIT_UNKNOWN'],
      ['a due date in the past', () => ({ dueDate: due(-2) }), 422, 'DUE_DATE_IN_PAST'],
      ['a day that does not exist', () => ({ dueDate: '2030-02-30' }), 422, 'DUE_DATE_INVALID'],
      ['an unknown field', () => ({ status: 'CLOSED' }), 400, 'VALIDATION_FAILED'],
    ])('should refuse %s and write nothing', async (_name, extra, status, code) => {
      const before = await count('SELECT COUNT(*) AS n FROM demand_order');
      const res = await c.admin.post('/api/v1/demand-orders', orderBody(extra()));
      expect(res.status).toBe(status);
      expectErrorBody(res.body, status, code);
      expect(await count('SELECT COUNT(*) AS n FROM demand_order')).toBe(before);
    });

    it('should let only admins create and close orders', async () => {
      await c.agentA.post('/api/v1/demand-orders', orderBody()).expect(403);
      await c.manager.post('/api/v1/demand-orders', orderBody()).expect(403);
    });
  });

  describe('scoping', () => {
    it('should show an order to agents of its points and managers of its region only (404 for anyone else)', async () => {
      const onlyA = await newOrder({ pointIds: [org.pointA.id] });
      const onlyC = await newOrder({ pointIds: [org.pointC.id] });
      expect((await c.agentA.get(`/api/v1/demand-orders/${onlyA.id}`).expect(200)).body.points).toEqual([{ pointId: org.pointA.id, pointName: org.pointA.name }]);
      expectErrorBody((await c.agentB.get(`/api/v1/demand-orders/${onlyA.id}`).expect(404)).body, 404, 'DEMAND_ORDER_NOT_FOUND');
      await c.agentB.get(`/api/v1/demand-orders/${onlyA.id}/progress`).expect(404);
      await c.agentB.post(`/api/v1/demand-orders/${onlyA.id}/pledges`, pledgeBody(farmerB.id, 1, { pointId: org.pointB.id })).expect(404);
      const listB = (await c.agentB.get('/api/v1/demand-orders?limit=200').expect(200)).body.items.map((o: { id: string }) => o.id);
      expect(listB).not.toContain(onlyA.id);
      const listA = (await c.agentA.get('/api/v1/demand-orders?limit=200').expect(200)).body.items.map((o: { id: string }) => o.id);
      expect(listA).toContain(onlyA.id);
      expect(listA).not.toContain(onlyC.id);
      await c.manager.get(`/api/v1/demand-orders/${onlyA.id}`).expect(200);
      await c.manager.get(`/api/v1/demand-orders/${onlyC.id}`).expect(404);
      await c.warehouseStaff.get(`/api/v1/demand-orders/${onlyA.id}`).expect(403);
      await (await callersFor(t.http, { admin: other.users.admin })).admin.get(`/api/v1/demand-orders/${onlyA.id}`).expect(404);
    });

    it('should refuse a pledge at a point the order is not published to (422) and an agent acting at another point (404)', async () => {
      const onlyA = await newOrder({ pointIds: [org.pointA.id] });
      const res = await c.admin.post(`/api/v1/demand-orders/${onlyA.id}/pledges`, pledgeBody(farmerB.id, 1, { pointId: org.pointB.id })).expect(422);
      expectErrorBody(res.body, 422, 'ORDER_NOT_PUBLISHED_AT_POINT');
      const both = await newOrder();
      await c.agentA.post(`/api/v1/demand-orders/${both.id}/pledges`, pledgeBody(farmerB.id, 1, { pointId: org.pointB.id })).expect(404);
      expect(await count('SELECT COUNT(*) AS n FROM demand_pledge WHERE order_id IN (?)', [[onlyA.id, both.id]])).toBe(0);
    });
  });

  describe('pledges', () => {
    it('should pledge once per clientId: a retry answers 200, another body 409', async () => {
      const order = await newOrder();
      const body = pledgeBody(farmer1.id, 200);
      const first = await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, body).expect(201);
      expect(first.body).toEqual(expect.objectContaining({ orderId: order.id, farmerId: farmer1.id, pointId: org.pointA.id, quantityBase: 200, status: 'ACTIVE', createdByKind: 'staff' }));
      const again = await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, body).expect(200);
      expect(again.body.id).toBe(first.body.id);
      expectErrorBody((await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, { ...body, quantity: 300 }).expect(409)).body, 409, 'PLEDGE_ID_REUSED');
      expect(await pledged(order.id)).toBe(200);
      const [event] = await t.dataSource.query('SELECT payload FROM outbox_event WHERE event_type = ? AND aggregate_id = ?', ['demand_pledge.created', first.body.id]);
      expect(event.payload).toEqual(expect.objectContaining({ pledgeId: first.body.id, orderId: order.id, farmerId: farmer1.id, quantityBase: 200, productName: '豆腐乳', buyerName: '桃江小妹直播团队' }));
    });

    it('should never exceed the order under 20 concurrent pledges: the rest are refused', async () => {
      const order = await newOrder({ quantity: 1000, pointIds: [org.pointA.id] });
      const quantities = Array.from({ length: 20 }, (_, i) => 40 + ((i * 37) % 71)); // 40..110, sum well above 1000
      expect(quantities.reduce((s, q) => s + q, 0)).toBeGreaterThan(1000);
      const results = await Promise.all(quantities.map((q) => c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmer1.id, q))));
      const ok = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status !== 201);
      expect(ok.length + refused.length).toBe(20);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) expectErrorBody(r.body, 422, 'PLEDGE_EXCEEDS_REMAINING');
      const sum = ok.reduce((s, r) => s + r.body.quantityBase, 0);
      expect(sum).toBeLessThanOrEqual(1000);
      expect(await pledged(order.id)).toBe(sum);
      expect(await count('SELECT COALESCE(SUM(quantity_base), 0) AS n FROM demand_pledge WHERE order_id = ?', [order.id])).toBe(sum);
      // remaining only shrinks, so every refused pledge is larger than what is left at the end
      const refusedQ = results.map((r, i) => (r.status === 201 ? null : quantities[i])).filter((q): q is number => q !== null);
      for (const q of refusedQ) expect(q).toBeGreaterThan(1000 - sum);
    });

    it('should refuse a pledge on a closed order with 409 and write nothing; close is audited and happens once', async () => {
      const order = await newOrder();
      await pledge(order.id, farmer1.id, 10);
      const closed = await c.admin.post(`/api/v1/demand-orders/${order.id}/close`, { reason: '需求已满足' }).expect(200);
      expect(closed.body).toEqual(expect.objectContaining({ status: 'CLOSED', closeReason: '需求已满足' }));
      expect(await count(`SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'demand_order' AND entity_id = ? AND action = 'close' AND reason = ?`, [order.id, '需求已满足'])).toBe(1);
      expectErrorBody((await c.admin.post(`/api/v1/demand-orders/${order.id}/close`, { reason: 'again' }).expect(409)).body, 409, 'DEMAND_ORDER_CLOSED');

      const before = await Promise.all([count('SELECT COUNT(*) AS n FROM demand_pledge'), count('SELECT COUNT(*) AS n FROM outbox_event'), count('SELECT COUNT(*) AS n FROM audit_log')]);
      const res = await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmer1.id, 5)).expect(409);
      expectErrorBody(res.body, 409, 'DEMAND_ORDER_CLOSED');
      expect(res.body.message).toMatch(/关闭/);
      expect(await Promise.all([count('SELECT COUNT(*) AS n FROM demand_pledge'), count('SELECT COUNT(*) AS n FROM outbox_event'), count('SELECT COUNT(*) AS n FROM audit_log')])).toEqual(before);
      expect(await pledged(order.id)).toBe(10);
    });

    it('should refuse a pledge past the due date, above what is left, or in a quantity that does not convert', async () => {
      const order = await newOrder({ quantity: 100 });
      expectErrorBody((await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmer1.id, 101)).expect(422)).body, 422, 'PLEDGE_EXCEEDS_REMAINING');
      expectErrorBody((await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmer1.id, '1.5')).expect(422)).body, 422, 'QUANTITY_NOT_WHOLE_BASE_UNIT');
      expectErrorBody((await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody('999999999', 1)).expect(422)).body, 422, 'FARMER_NOT_FOUND');
      await t.dataSource.query('UPDATE demand_order SET due_date = ? WHERE id = ?', [due(-1), order.id]);
      expectErrorBody((await c.agentA.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmer1.id, 1)).expect(422)).body, 422, 'DEMAND_ORDER_PAST_DUE');
      expect(await pledged(order.id)).toBe(0);
      expect(await count('SELECT COUNT(*) AS n FROM demand_pledge WHERE order_id = ?', [order.id])).toBe(0);
    });

    it('should cancel a pledge with a reason, give its quantity back and audit it', async () => {
      const order = await newOrder({ quantity: 100 });
      const p = await pledge(order.id, farmer2.id, 60);
      expect(await pledged(order.id)).toBe(60);
      await c.agentB.post(`/api/v1/demand-pledges/${p.id}/cancel`, { reason: 'x' }).expect(404);
      await c.agentA.post(`/api/v1/demand-pledges/${p.id}/cancel`, {}).expect(400);
      const res = await c.agentA.post(`/api/v1/demand-pledges/${p.id}/cancel`, { reason: '农户家中有变' }).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ status: 'CANCELLED', cancelReason: '农户家中有变' }));
      expect(await pledged(order.id)).toBe(0);
      expectErrorBody((await c.agentA.post(`/api/v1/demand-pledges/${p.id}/cancel`, { reason: 'again' }).expect(409)).body, 409, 'PLEDGE_ALREADY_CANCELLED');
      expect(await count(`SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'demand_pledge' AND entity_id = ? AND action = 'cancel'`, [p.id])).toBe(1);
      await pledge(order.id, farmer2.id, 100); // the whole order is free again
    });
  });

  describe('intake against pledges, QC and progress', () => {
    it('should link consignment lines to pledges, count QC-accepted quantities and report per point and farmer', async () => {
      const order = await newOrder({ quantity: 1000 });
      const p1 = await pledge(order.id, farmer1.id, 100);
      const p2 = await pledge(order.id, farmer2.id, 50);
      const p2b = await pledge(order.id, farmer2.id, 30);
      await c.agentA.post(`/api/v1/demand-pledges/${p2b.id}/cancel`, { reason: '重复认购' }).expect(200);
      const pB = (await c.agentB.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmerB.id, 40, { pointId: org.pointB.id })).expect(201)).body;

      // farmer1: 60 jars against p1 plus eggs (no pledge), QC 55 accepted; then 30 jars more, not inspected yet
      const body1 = consignmentBody(org.pointA.id, farmer1.id, products, { lines: [dfrLine(60, p1.id), { productId: products.egg.id, quantity: 30, unit: '枚', gradeCode: 'A' }] });
      const cons1 = (await c.agentA.post('/api/v1/consignments', body1).expect(201)).body;
      expect((await c.agentA.post('/api/v1/consignments', body1).expect(200)).body.id).toBe(cons1.id); // a retry links nothing twice
      await c.agentA.post(`/api/v1/consignments/${cons1.id}/quality-checks`, { lines: [dfrQc(1, 55, 5)] }).expect(201);
      await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmer1.id, products, { lines: [dfrLine(30, p1.id)] })).expect(201);
      // farmer1 again through the offline bulk sync: 10 jars
      const bulk = await c.agentA.post('/api/v1/consignments/bulk', { items: [consignmentBody(org.pointA.id, farmer1.id, products, { lines: [dfrLine(10, p1.id)] })] }).expect(200);
      expect(bulk.body.results[0].result).toBe('CREATED');
      // farmer2: 20 jars against p2, all accepted
      const cons2 = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmer2.id, products, { lines: [dfrLine(20, p2.id)] })).expect(201)).body;
      await c.agentA.post(`/api/v1/consignments/${cons2.id}/quality-checks`, { lines: [dfrQc(1, 20, 0)] }).expect(201);
      // farmerB at point B: 15 jars, 12 accepted; a voided delivery counts for nothing
      const consB = (await c.agentB.post('/api/v1/consignments', consignmentBody(org.pointB.id, farmerB.id, products, { lines: [dfrLine(15, pB.id)] })).expect(201)).body;
      await c.agentB.post(`/api/v1/consignments/${consB.id}/quality-checks`, { lines: [dfrQc(1, 12, 3)] }).expect(201);
      const voided = (await c.agentB.post('/api/v1/consignments', consignmentBody(org.pointB.id, farmerB.id, products, { lines: [dfrLine(7, pB.id)] })).expect(201)).body;
      await c.agentB.post(`/api/v1/consignments/${voided.id}/void`, { reason: '录错' }).expect(200);

      expect(await count('SELECT COUNT(*) AS n FROM demand_pledge_delivery WHERE pledge_id IN (?)', [[p1.id, p2.id, pB.id]])).toBe(6);
      const [link] = await t.dataSource.query('SELECT d.pledge_id FROM demand_pledge_delivery d JOIN consignment_line cl ON cl.id = d.consignment_line_id WHERE cl.consignment_id = ?', [cons1.id]);
      expect(String(link.pledge_id)).toBe(p1.id);

      const progress = (await c.admin.get(`/api/v1/demand-orders/${order.id}/progress`).expect(200)).body;
      expect(progress.totals).toEqual({ pledgedBase: 190, deliveredBase: 135, acceptedBase: 87 });
      const a = progress.points.find((p: { pointId: string }) => p.pointId === org.pointA.id);
      expect(a).toEqual(expect.objectContaining({ pledgedBase: 150, deliveredBase: 120, acceptedBase: 75 }));
      const byFarmer = new Map(a.farmers.map((f: { farmerId: string }) => [f.farmerId, f]));
      expect(byFarmer.get(farmer1.id)).toEqual({ farmerId: farmer1.id, farmerName: '吴金兰', pledgeCount: 1, pledgedBase: 100, deliveredBase: 100, acceptedBase: 55 });
      expect(byFarmer.get(farmer2.id)).toEqual({ farmerId: farmer2.id, farmerName: '李秋菊', pledgeCount: 1, pledgedBase: 50, deliveredBase: 20, acceptedBase: 20 });
      const b = progress.points.find((p: { pointId: string }) => p.pointId === org.pointB.id);
      expect(b).toEqual(expect.objectContaining({ pledgedBase: 40, deliveredBase: 15, acceptedBase: 12 }));
      expect(b.farmers).toEqual([expect.objectContaining({ farmerId: farmerB.id, pledgedBase: 40, deliveredBase: 15, acceptedBase: 12 })]);

      // each agent sees their own point only; the order's own pledged figure covers all
      const forB = (await c.agentB.get(`/api/v1/demand-orders/${order.id}/progress`).expect(200)).body;
      expect(forB.points.map((p: { pointId: string }) => p.pointId)).toEqual([org.pointB.id]);
      expect(forB.totals).toEqual({ pledgedBase: 40, deliveredBase: 15, acceptedBase: 12 });
      expect(forB.order.pledgedBase).toBe(190);

      const listed = (await c.agentB.get(`/api/v1/demand-pledges?orderId=${order.id}`).expect(200)).body.items;
      expect(listed.map((p: { id: string }) => p.id)).toEqual([pB.id]);
      expect((await c.admin.get(`/api/v1/demand-pledges?orderId=${order.id}&status=ACTIVE`).expect(200)).body.items).toHaveLength(3);

      // a pledge with deliveries cannot be cancelled
      expectErrorBody((await c.agentA.post(`/api/v1/demand-pledges/${p1.id}/cancel`, { reason: 'x' }).expect(409)).body, 409, 'PLEDGE_HAS_DELIVERIES');
    });

    it('should refuse a line whose pledge is another farmer\'s, product\'s, point\'s or on a closed order, and write nothing', async () => {
      const order = await newOrder();
      const p1 = await pledge(order.id, farmer1.id, 100);
      const p2 = await pledge(order.id, farmer2.id, 100);
      const pB = (await c.agentB.post(`/api/v1/demand-orders/${order.id}/pledges`, pledgeBody(farmerB.id, 40, { pointId: org.pointB.id })).expect(201)).body;
      const before = await count('SELECT COUNT(*) AS n FROM consignment');
      const tryLines = async (lines: object[], code: string, field = 'lines.0.pledgeId') => {
        const res = await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmer1.id, products, { lines })).expect(422);
        expectErrorBody(res.body, 422, code);
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      };
      await tryLines([dfrLine(5, p2.id)], 'PLEDGE_FARMER_MISMATCH');
      await tryLines([{ productId: products.egg.id, quantity: 30, unit: '枚', gradeCode: 'A', pledgeId: p1.id }], 'PLEDGE_PRODUCT_MISMATCH');
      await tryLines([dfrLine(5), dfrLine(5, '999999999')], 'PLEDGE_NOT_FOUND', 'lines.1.pledgeId');
      const atB = await c.agentB.post('/api/v1/consignments', consignmentBody(org.pointB.id, farmerB.id, products, { lines: [dfrLine(5, p1.id)] })).expect(422);
      expectErrorBody(atB.body, 422, 'PLEDGE_FARMER_MISMATCH');
      // farmerB's pledge is at point B: delivering it at A is refused
      const atA = await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerB.id, products, { lines: [dfrLine(5, pB.id)] })).expect(422);
      expectErrorBody(atA.body, 422, 'PLEDGE_POINT_MISMATCH');
      await c.admin.post(`/api/v1/demand-orders/${order.id}/close`, { reason: '截止' }).expect(200);
      await tryLines([dfrLine(5, p1.id)], 'PLEDGE_ORDER_CLOSED');
      expect(await count('SELECT COUNT(*) AS n FROM consignment')).toBe(before);
      expect(await count('SELECT COUNT(*) AS n FROM demand_pledge_delivery WHERE pledge_id IN (?)', [[p1.id, p2.id, pB.id]])).toBe(0);
    });
  });

  describe('the farmer app', () => {
    it('should show a farmer only their own pledges with order info, delivered and accepted; and let them pledge', async () => {
      const order = await newOrder({ quantity: 500, pointIds: [org.pointA.id] });
      const p1 = await pledge(order.id, farmer1.id, 80);
      await pledge(order.id, farmer2.id, 20);
      const cons = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmer1.id, products, { lines: [dfrLine(30, p1.id)] })).expect(201)).body;
      await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [dfrQc(1, 28, 2)] }).expect(201);

      const me1 = await loginFarmer(t.http, t.dataSource, farmer1.phone);
      const mine = (await me1.get('/api/v1/me/pledges?limit=100').expect(200)).body.items;
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((p: { farmerId: string }) => p.farmerId === farmer1.id)).toBe(true);
      expect(mine.find((p: { id: string }) => p.id === p1.id)).toEqual(expect.objectContaining({
        quantityBase: 80, deliveredBase: 30, acceptedBase: 28, pointName: org.pointA.name,
        order: expect.objectContaining({ id: order.id, buyerName: '桃江小妹直播团队', productName: '豆腐乳', priceFen: 2000, dueDate: due(), status: 'OPEN' }),
      }));

      const me3 = await loginFarmer(t.http, t.dataSource, farmer3.phone);
      expect((await me3.get('/api/v1/me/pledges').expect(200)).body).toEqual({ items: [], nextCursor: null });
      const open = (await me3.get('/api/v1/me/demand-orders').expect(200)).body.items;
      expect(open.find((o: { id: string }) => o.id === order.id)).toEqual(expect.objectContaining({ remainingBase: 400, productName: '豆腐乳', points: [{ pointId: org.pointA.id, pointName: org.pointA.name }] }));
      const body = { clientId: randomUUID(), orderId: order.id, quantity: 25, unit: '瓶' };
      const own = await me3.post('/api/v1/me/pledges', body).expect(201);
      expect(own.body).toEqual(expect.objectContaining({ farmerId: farmer3.id, pointId: org.pointA.id, quantityBase: 25, createdByKind: 'farmer' }));
      expect((await me3.post('/api/v1/me/pledges', body).expect(200)).body.id).toBe(own.body.id);
      expect((await me3.get('/api/v1/me/pledges').expect(200)).body.items.map((p: { id: string }) => p.id)).toEqual([own.body.id]);
      expect(await pledged(order.id)).toBe(125);
      // an order not published at the farmer's point is not theirs to see
      const onlyB = await newOrder({ pointIds: [org.pointB.id] });
      expectErrorBody((await me3.post('/api/v1/me/pledges', { ...body, clientId: randomUUID(), orderId: onlyB.id }).expect(404)).body, 404, 'DEMAND_ORDER_NOT_FOUND');
      await me3.get('/api/v1/demand-orders').expect(403);
      // farmer1 still sees none of farmer3's
      expect((await me1.get('/api/v1/me/pledges?limit=100').expect(200)).body.items.map((p: { id: string }) => p.id)).not.toContain(own.body.id);
    });
  });
});
