import { randomUUID } from 'crypto';
import { businessDay } from '../../src/common/business-day';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Consignment intake (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let otherAdmin: Caller;
  let products: TestProducts;
  let farmerId: string;
  let farmerB: string;
  let otherFarmer: string;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    other = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    otherAdmin = (await callersFor(t.http, { admin: other.users.admin })).admin;
    products = await createTestProducts(c.admin);
    farmerId = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
    farmerB = (await c.agentB.post('/api/v1/farmers', farmerBody(org.regions.villageB.id, org.pointB.id, { name: '张三' })).expect(201)).body.id;
    otherFarmer = (await otherAdmin.post('/api/v1/farmers', farmerBody(other.regions.villageA.id, other.pointA.id)).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const body = (extra: Record<string, unknown> = {}) => consignmentBody(org.pointA.id, farmerId, products, extra);
  const count = async (sql: string, args: unknown[]) => Number((await t.dataSource.query(sql, args))[0].n);
  const consignmentCount = () => count('SELECT COUNT(*) n FROM consignment WHERE company_id = ?', [org.company.id]);

  it('should record a consignment with exact base quantities, price snapshots, receipt number, event and audit', async () => {
    const res = await c.agentA.post('/api/v1/consignments', body());
    expect(res.status).toBe(201);
    const day = businessDay(new Date(res.body.capturedAt)).replace(/-/g, '');
    expect(res.body.receiptNo).toMatch(new RegExp(`^HQG-${day}-\\d{4}$`));
    expect(res.body.status).toBe('RECEIVED');
    expect(res.body.lines.map((l: { quantityBase: number }) => l.quantityBase)).toEqual([30, 1250, 2]);
    expect(res.body.lines.map((l: { priceFen: number }) => l.priceFen)).toEqual([200, 1500, 1800]);
    expect(res.body.lines.map((l: { settlementMode: string }) => l.settlementMode)).toEqual(['PURCHASE', 'CONSIGNMENT', 'CONSIGNMENT']);
    // 30 × 2.00 + 1250 g at 15.00/斤 + 2 × 18.00 = 60.00 + 37.50 + 36.00
    expect(res.body.estimatedAmountFen).toBe(13350);
    const [row] = await t.dataSource.query('SELECT received_at, captured_at FROM consignment WHERE id = ?', [res.body.id]);
    expect(row.received_at).toBeInstanceOf(Date);
    const events = await t.dataSource.query("SELECT payload FROM outbox_event WHERE event_type = 'consignment.received' AND aggregate_id = ?", [res.body.id]);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toEqual(expect.objectContaining({ receiptNo: res.body.receiptNo, farmerId, lines: expect.arrayContaining([expect.objectContaining({ quantityBase: 1250, unit: '斤', quantity: '2.5' })]) }));
    expect(await count("SELECT COUNT(*) n FROM audit_log WHERE entity_type = 'consignment' AND entity_id = ?", [res.body.id])).toBe(1);
    const got = await c.agentA.get(`/api/v1/consignments/${res.body.id}`).expect(200);
    expect(got.body.lines).toHaveLength(3);
  });

  it('should answer a retry with 200 and the original, and refuse the same id with another body (409)', async () => {
    const b = body();
    const first = await c.agentA.post('/api/v1/consignments', b).expect(201);
    const again = await c.agentA.post('/api/v1/consignments', { ...b, lines: b.lines.map((l) => ({ ...l, quantity: String(l.quantity) })) });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.receiptNo).toBe(first.body.receiptNo);
    expect(await count('SELECT COUNT(*) n FROM consignment WHERE client_id = ?', [b.clientId])).toBe(1);
    const changed = await c.agentA.post('/api/v1/consignments', { ...b, lines: [{ ...b.lines[0], quantity: 31 }] });
    expectErrorBody(changed.body, 409, 'CONSIGNMENT_ID_REUSED');
    expect(changed.body.details[0].field).toBe('clientId');
  });

  it('should create one consignment when the same UUID arrives concurrently', async () => {
    const b = body();
    const responses = await Promise.all(Array.from({ length: 6 }, () => c.agentA.post('/api/v1/consignments', b)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await count('SELECT COUNT(*) n FROM consignment WHERE client_id = ?', [b.clientId])).toBe(1);
    expect(await count("SELECT COUNT(*) n FROM outbox_event WHERE event_type = 'consignment.received' AND aggregate_id = ?", [responses[0].body.id])).toBe(1);
  });

  it('should number receipts per point and day without gaps under concurrency', async () => {
    const created = await Promise.all(Array.from({ length: 5 }, () => c.agentB.post('/api/v1/consignments', consignmentBody(org.pointB.id, farmerB, products))));
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const seqs = created.map((r) => Number(r.body.receiptNo.split('-')[2])).sort((a, b) => a - b);
    expect(created[0].body.receiptNo).toMatch(/^SGQ-/);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  describe('bad input: a clear 4xx naming the field, nothing written', () => {
    const cases: Array<[string, (b: ReturnType<typeof body>) => object, number, string, string]> = [
      ['zero quantity', (b) => ({ ...b, lines: [{ ...b.lines[0], quantity: 0 }] }), 422, 'QUANTITY_NOT_POSITIVE', 'lines.0.quantity'],
      ['negative quantity', (b) => ({ ...b, lines: [{ ...b.lines[0], quantity: -3 }] }), 400, 'VALIDATION_FAILED', 'lines.0.quantity'],
      ['fractional pieces (1.5 枚)', (b) => ({ ...b, lines: [{ ...b.lines[0], quantity: '1.5' }] }), 422, 'QUANTITY_NOT_WHOLE_BASE_UNIT', 'lines.0.quantity'],
      ['more than 3 decimals', (b) => ({ ...b, lines: [b.lines[0], { ...b.lines[1], quantity: '2.0001' }] }), 400, 'VALIDATION_FAILED', 'lines.1.quantity'],
      ['absurd quantity', (b) => ({ ...b, lines: [{ ...b.lines[0], quantity: 50000 }] }), 422, 'QUANTITY_ABOVE_MAXIMUM', 'lines.0.quantity'],
      ['unknown product', (b) => ({ ...b, lines: [{ ...b.lines[0], productId: '999999999' }] }), 422, 'PRODUCT_NOT_FOUND', 'lines.0.productId'],
      ['grade the product lacks', (b) => ({ ...b, lines: [b.lines[0], b.lines[1], { ...b.lines[2], gradeCode: 'B' }] }), 422, 'GRADE_UNKNOWN', 'lines.2.gradeCode'],
      ['unit the product lacks', (b) => ({ ...b, lines: [{ ...b.lines[0], unit: '斤' }] }), 422, 'UNIT_UNKNOWN', 'lines.0.unit'],
      ['unknown farmer', (b) => ({ ...b, farmerId: '999999999' }), 422, 'FARMER_NOT_FOUND', 'farmerId'],
      ['farmer of another company', (b) => ({ ...b, farmerId: otherFarmer }), 422, 'FARMER_NOT_FOUND', 'farmerId'],
      ['intake time in the future', (b) => ({ ...b, capturedAt: new Date(Date.now() + 3600_000).toISOString() }), 422, 'CAPTURED_AT_IN_FUTURE', 'capturedAt'],
      ['intake time too old', (b) => ({ ...b, capturedAt: new Date(Date.now() - 8 * 86400_000).toISOString() }), 422, 'CAPTURED_AT_TOO_OLD', 'capturedAt'],
      ['malformed client id', (b) => ({ ...b, clientId: 'not-a-uuid' }), 400, 'VALIDATION_FAILED', 'clientId'],
      ['no lines', (b) => ({ ...b, lines: [] }), 400, 'VALIDATION_FAILED', 'lines'],
    ];
    it.each(cases)('should refuse %s', async (_name, mutate, status, code, field) => {
      const before = await consignmentCount();
      const res = await c.agentA.post('/api/v1/consignments', mutate(body()));
      expect(res.status).toBe(status);
      expectErrorBody(res.body, status, code);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(res.body.message).toEqual(expect.any(String));
      expect(await consignmentCount()).toBe(before);
    });

    it('should refuse an inactive farmer or product, and a point not the agent\'s (404)', async () => {
      const inactive = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
      await c.agentA.patch(`/api/v1/farmers/${inactive}`, { active: false }).expect(200);
      expectErrorBody((await c.agentA.post('/api/v1/consignments', body({ farmerId: inactive }))).body, 422, 'FARMER_INACTIVE');
      const { prices: _p, ...egg } = (await import('../../src/demo/demo-catalog')).DEMO_PRODUCTS[0];
      const retired = (await c.admin.post('/api/v1/products', { ...egg, code: 'OLDEGG' }).expect(201)).body.id;
      await c.admin.patch(`/api/v1/products/${retired}`, { active: false }).expect(200);
      const b = body();
      const res = await c.agentA.post('/api/v1/consignments', { ...b, lines: [{ ...b.lines[0], productId: retired }] });
      expectErrorBody(res.body, 422, 'PRODUCT_INACTIVE');
      const notHers = await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointB.id, farmerId, products));
      expectErrorBody(notHers.body, 404, 'POINT_NOT_FOUND');
      await c.agentA.post('/api/v1/consignments', body({ pointId: '999999999' })).expect(404);
      await c.manager.post('/api/v1/consignments', body()).expect(403);
      await c.warehouseStaff.post('/api/v1/consignments', body()).expect(403);
    });
  });

  it('should bulk sync a mix of new, duplicate and invalid items, committing the good ones', async () => {
    const existing = body();
    await c.agentA.post('/api/v1/consignments', existing).expect(201);
    const fresh1 = body();
    const fresh2 = body();
    const reused = { ...body(), clientId: existing.clientId };
    const items = [
      fresh1,
      existing,
      { ...body(), lines: [{ ...fresh1.lines[0], quantity: '1.5' }] },
      { ...body(), pointId: org.pointB.id },
      { clientId: randomUUID(), bogus: true },
      fresh2,
      fresh2,
      reused,
    ];
    const res = await c.agentA.post('/api/v1/consignments/bulk', { items }).expect(200);
    expect(res.body.results.map((r: { result: string }) => r.result)).toEqual([
      'CREATED', 'ALREADY_EXISTS', 'REJECTED', 'REJECTED', 'REJECTED', 'CREATED', 'ALREADY_EXISTS', 'REJECTED',
    ]);
    expect(res.body).toEqual(expect.objectContaining({ created: 2, alreadyExisting: 2, rejected: 4 }));
    expect(res.body.results[2].error).toEqual(expect.objectContaining({ statusCode: 422, code: 'QUANTITY_NOT_WHOLE_BASE_UNIT' }));
    expect(res.body.results[3].error.code).toBe('POINT_NOT_FOUND');
    expect(res.body.results[4].error.code).toBe('VALIDATION_FAILED');
    expect(res.body.results[4].error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['bogus', 'lines']));
    expect(res.body.results[7].error.code).toBe('CONSIGNMENT_ID_REUSED');
    for (const item of [fresh1, fresh2]) expect(await count('SELECT COUNT(*) n FROM consignment WHERE client_id = ?', [item.clientId])).toBe(1);
    expect(await count('SELECT COUNT(*) n FROM consignment WHERE client_id = ?', [items[2].clientId])).toBe(0);
  });

  it('should refuse an oversize bulk payload', async () => {
    const items = Array.from({ length: 501 }, () => ({ clientId: randomUUID() }));
    const res = await c.agentA.post('/api/v1/consignments/bulk', { items });
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    expect(res.body.details[0].field).toBe('items');
    const huge = await c.agentA.post('/api/v1/consignments/bulk', { items: [{ note: 'x'.repeat(3 * 1024 * 1024) }] });
    expect(huge.status).toBe(413);
  });

  it('should scope consignments across two points and companies', async () => {
    const a = (await c.agentA.post('/api/v1/consignments', body()).expect(201)).body;
    const b = (await c.agentB.post('/api/v1/consignments', consignmentBody(org.pointB.id, farmerB, products)).expect(201)).body;
    await c.agentB.get(`/api/v1/consignments/${a.id}`).expect(404);
    await otherAdmin.get(`/api/v1/consignments/${a.id}`).expect(404);
    await c.manager.get(`/api/v1/consignments/${a.id}`).expect(200);
    const listB = await c.agentB.get('/api/v1/consignments?limit=200').expect(200);
    expect(listB.body.items.every((x: { pointId: string }) => x.pointId === org.pointB.id)).toBe(true);
    expect(listB.body.items.map((x: { id: string }) => x.id)).toContain(b.id);
    const forA = await c.agentB.get(`/api/v1/consignments?pointId=${org.pointA.id}`).expect(200);
    expect(forA.body.items).toEqual([]);
    const admin = await c.admin.get('/api/v1/consignments?limit=200').expect(200);
    expect(admin.body.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await otherAdmin.get('/api/v1/consignments').expect(200)).body.items).toEqual([]);
    expect((await c.warehouseStaff.get('/api/v1/consignments')).status).toBe(403);
  });

  it('should filter lists by point, farmer, product, state and date range, and show a farmer history', async () => {
    const created = (await c.agentA.post('/api/v1/consignments', body({ lines: [{ productId: products.egg.id, quantity: 10, unit: '枚', gradeCode: 'B' }] })).expect(201)).body;
    const ids = async (q: string) => (await c.admin.get(`/api/v1/consignments?limit=200&${q}`).expect(200)).body.items.map((x: { id: string }) => x.id);
    expect(await ids(`pointId=${org.pointA.id}`)).toContain(created.id);
    expect(await ids(`pointId=${org.pointB.id}`)).not.toContain(created.id);
    expect(await ids(`farmerId=${farmerId}`)).toContain(created.id);
    expect(await ids(`farmerId=${farmerB}`)).not.toContain(created.id);
    expect(await ids(`productId=${products.egg.id}`)).toContain(created.id);
    expect(await ids(`productId=${products.tzc.id}&farmerId=${farmerId}`)).not.toContain(created.id);
    expect(await ids('status=RECEIVED')).toContain(created.id);
    expect(await ids('status=VOIDED')).not.toContain(created.id);
    const from = new Date(Date.now() - 3600_000).toISOString();
    expect(await ids(`from=${encodeURIComponent(from)}`)).toContain(created.id);
    expect(await ids(`to=${encodeURIComponent(from)}`)).not.toContain(created.id);
    const history = await c.agentA.get(`/api/v1/farmers/${farmerId}/consignments?limit=200`).expect(200);
    expect(history.body.items.every((x: { farmerId: string }) => x.farmerId === farmerId)).toBe(true);
    expect(history.body.items.map((x: { id: string }) => x.id)).toContain(created.id);
    await otherAdmin.get(`/api/v1/farmers/${farmerId}/consignments`).expect(404);
  });

  it('should void an uninspected consignment within the window, with a reason, as an amendment', async () => {
    const created = (await c.agentA.post('/api/v1/consignments', body()).expect(201)).body;
    await c.agentB.post(`/api/v1/consignments/${created.id}/void`, { reason: '农户取消' }).expect(404);
    expectErrorBody((await c.agentA.post(`/api/v1/consignments/${created.id}/void`, {})).body, 400, 'VALIDATION_FAILED');
    const voided = await c.agentA.post(`/api/v1/consignments/${created.id}/void`, { reason: '农户取消交售' }).expect(200);
    expect(voided.body.status).toBe('VOIDED');
    expect(voided.body.lines.every((l: { status: string }) => l.status === 'VOIDED')).toBe(true);
    const again = await c.agentA.post(`/api/v1/consignments/${created.id}/void`, { reason: '再次' });
    expectErrorBody(again.body, 409, 'CONSIGNMENT_VOIDED');
    const detail = await c.agentA.get(`/api/v1/consignments/${created.id}`).expect(200);
    expect(detail.body.amendments).toEqual([expect.objectContaining({ kind: 'VOID', reason: '农户取消交售', actorId: org.users.agentA.id, before: { status: 'RECEIVED' } })]);
    expect(await count("SELECT COUNT(*) n FROM outbox_event WHERE event_type = 'consignment.voided' AND aggregate_id = ?", [created.id])).toBe(1);
  });

  it('should refuse to void after the window', async () => {
    const created = (await c.agentA.post('/api/v1/consignments', body()).expect(201)).body;
    await t.dataSource.query('UPDATE consignment SET received_at = ? WHERE id = ?', [new Date(Date.now() - 121 * 60_000), created.id]);
    const res = await c.agentA.post(`/api/v1/consignments/${created.id}/void`, { reason: '太晚了' });
    expectErrorBody(res.body, 422, 'VOID_WINDOW_PASSED');
  });
});
