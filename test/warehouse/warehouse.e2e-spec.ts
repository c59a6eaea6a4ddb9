import { randomUUID } from 'crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { businessDay } from '../../src/common/business-day';
import { InventoryService } from '../../src/warehouse/inventory.service';
import { addDays } from '../../src/warehouse/processing.service';
import { createTestApp, TestApp } from '../setup/app';
import { clearRateLimits } from '../support/rate-limits';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { dispatchedBatch, inspectedConsignment } from '../factories/batch.factory';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Processing, inventory and traceability (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let wu: string; // 吴金兰, no consent
  let li: string; // 李桂香, consents to show her name
  let skuJar: { id: string };
  let skuEgg: { id: string };

  beforeAll(async () => {
    process.env.WAREHOUSE_TRACE_RATE_LIMIT_PER_MINUTE = '30';
    await clearRateLimits(); // the per-IP trace counter is shared (Redis): start this file's from zero
    t = await createTestApp();
    delete process.env.WAREHOUSE_TRACE_RATE_LIMIT_PER_MINUTE;
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    wu = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
    li = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageB.id, org.pointA.id, { name: '李桂香', showNameOnTrace: true })).expect(201)).body.id;
    skuJar = (await c.admin.post('/api/v1/skus', { code: 'TZC-500', name: '坛子菜 500g 瓶装', productId: products.tzc.id, contentUnit: 'GRAM', contentBasePerPack: 500 }).expect(201)).body;
    skuEgg = (await c.admin.post('/api/v1/skus', { code: 'EGG-30', name: '土鸡蛋 30枚礼盒', productId: products.egg.id, contentUnit: 'PIECE', contentBasePerPack: 30 }).expect(201)).body;
  });
  afterAll(async () => {
    await t.close();
    await clearRateLimits(); // no trace block left for the next files of this jest worker
  });

  /** Two farmers' 坛子菜 (1250 g each) and eggs, batched, dispatched and fully received at warehouse 1. */
  async function receivedGoods() {
    const a = await inspectedConsignment(c.agentA, org.pointA.id, wu, products, { capturedAt: new Date(Date.now() - 2 * 86400_000).toISOString() });
    const b = await inspectedConsignment(c.agentA, org.pointA.id, li, products);
    const batch = await dispatchedBatch(c.agentA, org.pointA.id, org.warehouse1.id, [a.lines[0].id, a.lines[1].id, b.lines[0].id, b.lines[1].id]);
    await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, {
      requestId: randomUUID(), lines: batch.items.map((i: { id: string; quantityBase: number }) => ({ batchItemId: i.id, receivedQuantityBase: i.quantityBase })),
    }).expect(201);
    const itemOf = (lineId: string) => batch.items.find((i: { consignmentLineId: string }) => i.consignmentLineId === lineId).id as string;
    return { a, b, batch, tzcA: itemOf(a.lines[1].id), tzcB: itemOf(b.lines[1].id), eggA: itemOf(a.lines[0].id), eggB: itemOf(b.lines[0].id) };
  }

  const processBody = (inputs: object[], outputs: object[], lossBase: number, extra: Record<string, unknown> = {}) =>
    ({ requestId: randomUUID(), kind: 'PACKING', inputs, outputs, lossBase, ...(lossBase ? { lossReason: '装瓶损耗' } : {}), ...extra });

  it('should refuse a SKU whose content unit differs from the product base unit', async () => {
    const res = await c.admin.post('/api/v1/skus', { code: 'EGG-BAD', name: '鸡蛋按克', productId: products.egg.id, contentUnit: 'GRAM', contentBasePerPack: 500 }).expect(422);
    expectErrorBody(res.body, 422, 'SKU_UNIT_MISMATCH');
  });

  it('should merge many farmers into one lot, conserve base units exactly and record provenance', async () => {
    const g = await receivedGoods();
    const bad = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`,
      processBody([{ batchItemId: g.tzcA, quantityBase: 1250 }, { batchItemId: g.tzcB, quantityBase: 1250 }], [{ skuId: skuJar.id, packs: 4 }], 400)).expect(422);
    expectErrorBody(bad.body, 422, 'CONSERVATION_VIOLATED');
    expect(await t.dataSource.query('SELECT id FROM processing_record WHERE warehouse_id = ?', [org.warehouse1.id])).toHaveLength(0);

    const body = processBody([{ batchItemId: g.tzcA, quantityBase: 1250 }, { batchItemId: g.tzcB, quantityBase: 1250 }], [{ skuId: skuJar.id, packs: 4 }], 500);
    const res = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`, body).expect(201);
    expect(res.body).toEqual(expect.objectContaining({ inputBase: 2500, outputBase: 2000, lossBase: 500 }));
    const [lot] = res.body.lots;
    expect(lot.traceCode).toMatch(/^[2-9A-HJKMNP-Z]{12}$/);
    // best-before from the earliest intake (2 days ago) + 180 days shelf life
    expect(lot.bestBefore).toBe(addDays(businessDay(new Date(Date.now() - 2 * 86400_000)), 180));
    const retry = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`, body).expect(200);
    expect(retry.body.lots[0].id).toBe(lot.id);

    const prov = await t.dataSource.query('SELECT farmer_id, quantity_base FROM lot_provenance WHERE lot_id = ? ORDER BY farmer_id', [lot.id]);
    expect(prov.reduce((s: number, p: { quantity_base: number }) => s + p.quantity_base, 0)).toBe(2000);
    expect(prov.map((p: { farmer_id: string }) => String(p.farmer_id)).sort()).toEqual([wu, li].sort());
    expect((await t.dataSource.query("SELECT payload FROM outbox_event WHERE event_type = 'lot.created' AND aggregate_id = ?", [lot.id]))[0].payload)
      .toEqual(expect.objectContaining({ traceCode: lot.traceCode, packs: 4, contentBase: 2000, contributors: 2 }));
    // everything received has been used: nothing more to process
    const again = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`, processBody([{ batchItemId: g.tzcA, quantityBase: 1 }], [{ skuId: skuJar.id, packs: 1 }], 0)).expect(422);
    expectErrorBody(again.body, 422, 'QUANTITY_EXCEEDS_RECEIVED');
    // eggs into a jar SKU: another product
    const wrong = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`, processBody([{ batchItemId: g.eggA, quantityBase: 30 }], [{ skuId: skuJar.id, packs: 1 }], 0)).expect(422);
    expectErrorBody(wrong.body, 422, 'SKU_PRODUCT_MISMATCH');
    // another warehouse's staff or route
    await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse2.id}/processing`, processBody([{ batchItemId: g.eggA, quantityBase: 30 }], [{ skuId: skuEgg.id, packs: 1 }], 0)).expect(404);

    // internal trace back to lines and farmers (full names), and forward from a consignment
    const back = (await c.warehouseStaff.get(`/api/v1/lots/${lot.id}/trace`).expect(200)).body;
    expect(back.contributors.map((x: { farmerName: string }) => x.farmerName).sort()).toEqual(['吴金兰', '李桂香'].sort());
    expect(back.contributors.every((x: { batchNo: string }) => x.batchNo === g.batch.batchNo)).toBe(true);
    const forward = (await c.agentA.get(`/api/v1/consignments/${g.a.id}/trace`).expect(200)).body;
    expect(forward.batches).toHaveLength(2);
    expect(forward.lots).toEqual([expect.objectContaining({ lotId: lot.id, traceCode: lot.traceCode, consignmentLineId: g.a.lines[1].id, quantityBase: 1000 })]);
    await c.agentB.get(`/api/v1/consignments/${g.a.id}/trace`).expect(404);
  });

  it('should show a public trace without login, masking names unless consented, and 404 alike for unknown codes', async () => {
    const g = await receivedGoods();
    const res = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`,
      processBody([{ batchItemId: g.eggA, quantityBase: 30 }, { batchItemId: g.eggB, quantityBase: 30 }], [{ skuId: skuEgg.id, packs: 2 }], 0, { kind: 'SORTING' })).expect(201);
    const code = res.body.lots[0].traceCode;
    const page = (await request(t.http).get(`/api/v1/trace/${code.toLowerCase()}`).expect(200)).body;
    expect(page).toEqual(expect.objectContaining({
      traceCode: code, product: expect.objectContaining({ name: '土鸡蛋' }), warehouse: 'WH1仓', bestBefore: res.body.lots[0].bestBefore,
      villagesOfOrigin: expect.arrayContaining(['花桥港村', '三官桥村']),
    }));
    expect(page.contributors.map((x: { farmer: string }) => x.farmer).sort()).toEqual(['吴**', '李桂香'].sort());
    expect(page.contributors[0].qc).toEqual(expect.objectContaining({ grades: ['A'], checklist: { cracks: true, dirt: true, size: true } }));
    expect(JSON.stringify(page)).not.toContain('吴金兰');
    expect(JSON.stringify(page)).not.toMatch(/phone|farmerId/);

    // The origins were summarised on the lot at packing; consent is read when the page is served.
    const [stored] = await t.dataSource.query('SELECT public_trace FROM lot WHERE trace_code = ?', [code]);
    expect(stored.public_trace.contributors).toHaveLength(2);
    expect(JSON.stringify(stored.public_trace)).not.toContain('吴金兰');
    await c.agentA.patch(`/api/v1/farmers/${wu}`, { showNameOnTrace: true }).expect(200);
    const consented = (await request(t.http).get(`/api/v1/trace/${code}`).expect(200)).body;
    expect(consented.contributors.map((x: { farmer: string }) => x.farmer).sort()).toEqual(['吴金兰', '李桂香'].sort());
    await c.agentA.patch(`/api/v1/farmers/${wu}`, { showNameOnTrace: false }).expect(200);
    // A lot packed before summaries existed is served the same and gets its summary on first view.
    await t.dataSource.query('UPDATE lot SET public_trace = NULL WHERE trace_code = ?', [code]);
    const rebuilt = (await request(t.http).get(`/api/v1/trace/${code}`).expect(200)).body;
    expect(rebuilt).toEqual(page);
    const [again] = await t.dataSource.query('SELECT public_trace FROM lot WHERE trace_code = ?', [code]);
    expect(again.public_trace).toEqual(stored.public_trace);

    const unknown = await request(t.http).get('/api/v1/trace/ABCDEFGHJKMN').expect(404);
    const malformed = await request(t.http).get('/api/v1/trace/not-a-code').expect(404);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(unknown.body)).toEqual(strip(malformed.body));
    expectErrorBody(unknown.body, 404, 'TRACE_CODE_NOT_FOUND');

    // per-IP limit (30 a minute in this file): past it, 429 with Retry-After
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await request(t.http).get(`/api/v1/trace/${code}`)).status);
    expect(statuses).toContain(429);
    const limited = await request(t.http).get(`/api/v1/trace/${code}`).expect(429);
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('should keep inventory per lot in FEFO order, adjust only with a record, reserve and draw with row locks, and alert near best-before once', async () => {
    const g = await receivedGoods();
    const made = await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`,
      processBody([{ batchItemId: g.eggA, quantityBase: 30 }, { batchItemId: g.eggB, quantityBase: 30 }], [{ skuId: skuEgg.id, packs: 1 }, { skuId: skuEgg.id, packs: 1 }], 0)).expect(201);
    const [l1, l2] = made.body.lots;
    const ds: DataSource = t.dataSource;
    const today = businessDay(new Date());
    await ds.query('UPDATE lot SET best_before = ? WHERE id = ?', [addDays(today, 3), l2.id]);
    const inv = (await c.warehouseStaff.get(`/api/v1/warehouses/${org.warehouse1.id}/inventory?skuId=${skuEgg.id}`).expect(200)).body;
    const ids = inv.lots.map((l: { id: string }) => l.id);
    expect(ids.indexOf(l2.id)).toBeLessThan(ids.indexOf(l1.id));

    const inventory = t.app.get(InventoryService);
    const fefo = await inventory.fefoCandidates(org.company.id, org.warehouse1.id, skuEgg.id);
    expect(fefo[0].id).toBe(l2.id);
    await ds.transaction((em) => inventory.reservePacks(em, l1.id, 1));
    await expect(ds.transaction((em) => inventory.reservePacks(em, l1.id, 1))).rejects.toThrow(/available/);

    const below = await c.warehouseStaff.post(`/api/v1/lots/${l1.id}/adjustments`, { requestId: randomUUID(), deltaPacks: -1, kind: 'BREAKAGE', reason: '摔破一盒' }).expect(422);
    expectErrorBody(below.body, 422, 'ADJUSTMENT_BELOW_RESERVED');
    const adj = { requestId: randomUUID(), deltaPacks: -1, kind: 'BREAKAGE', reason: '摔破一盒' };
    const adjusted = await c.warehouseStaff.post(`/api/v1/lots/${l2.id}/adjustments`, adj).expect(201);
    expect(adjusted.body).toEqual(expect.objectContaining({ onHandPacks: 0, availablePacks: 0 }));
    await c.warehouseStaff.post(`/api/v1/lots/${l2.id}/adjustments`, adj).expect(200);
    expect((await c.warehouseStaff.get(`/api/v1/lots/${l2.id}`).expect(200)).body.adjustments).toHaveLength(1);
    await c.agentA.post(`/api/v1/lots/${l2.id}/adjustments`, { ...adj, requestId: randomUUID() }).expect(403);
    await ds.transaction((em) => inventory.drawPacks(em, l1.id, 1, true));
    expect((await c.warehouseStaff.get(`/api/v1/lots/${l1.id}`).expect(200)).body).toEqual(expect.objectContaining({ onHandPacks: 0, reservedPacks: 0 }));

    // near best-before: a lot with stock expiring within 7 days alerts once; a lot past it expires
    await c.warehouseStaff.post(`/api/v1/lots/${l2.id}/adjustments`, { requestId: randomUUID(), deltaPacks: 1, kind: 'COUNT_CORRECTION', reason: '盘点找回' }).expect(201);
    await inventory.bestBeforeRun(new Date());
    await inventory.bestBeforeRun(new Date());
    expect(await ds.query("SELECT id FROM outbox_event WHERE event_type = 'lot.nearing_best_before' AND aggregate_id = ?", [l2.id])).toHaveLength(1);
    await ds.query('UPDATE lot SET best_before = ? WHERE id = ?', [addDays(today, -1), l2.id]);
    await inventory.bestBeforeRun(new Date());
    expect((await c.warehouseStaff.get(`/api/v1/lots/${l2.id}`).expect(200)).body).toEqual(expect.objectContaining({ onHandPacks: 0, expiredPacks: 1 }));
  });
});
