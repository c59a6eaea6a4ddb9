import { randomUUID } from 'crypto';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { dispatchBody, dispatchedBatch, inspectedConsignment, InspectedConsignment, openBatchBody } from '../factories/batch.factory';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { ReceivingService } from '../../src/batching/receiving.service';

describe('Batches and receiving (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmerId: string;
  let farmerB: string;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    other = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    farmerId = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
    farmerB = (await c.agentB.post('/api/v1/farmers', farmerBody(org.regions.villageB.id, org.pointB.id, { name: '张<b>三</b>' })).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const cons = () => inspectedConsignment(c.agentA, org.pointA.id, farmerId, products);
  const open = async (warehouseId = org.warehouse1.id) => (await c.agentA.post('/api/v1/batches', openBatchBody(org.pointA.id, warehouseId)).expect(201)).body;
  const add = (batchId: string, items: object[], requestId = randomUUID(), caller = c.agentA) => caller.post(`/api/v1/batches/${batchId}/items`, { requestId, items });
  const line = async (id: string) => (await t.dataSource.query('SELECT status, batched_quantity_base, accepted_quantity_base FROM consignment_line WHERE id = ?', [id]))[0];
  const events = (type: string, id: string) =>
    t.dataSource.query('SELECT payload FROM outbox_event WHERE event_type = ? AND aggregate_id = ? ORDER BY id', [type, id]) as Promise<Array<{ payload: Record<string, any> }>>;
  const item = (batch: { items: Array<{ id: string; consignmentLineId: string; [k: string]: unknown }> }, lineId: string) => batch.items.find((i) => i.consignmentLineId === lineId)!;

  it('should go open → sealed → dispatched → received → closed, with a frozen manifest, partial and retried receiving', async () => {
    const a: InspectedConsignment = await cons();
    const [eggs, tzc, dfr] = a.lines;
    const batch = await open();
    expect(batch).toEqual(expect.objectContaining({ status: 'OPEN', batchNo: expect.stringMatching(/^HQG-\d{8}-B\d+$/) }));

    // whole egg line, part of the 坛子菜 line
    const added = await add(batch.id, [{ consignmentLineId: eggs.id }, { consignmentLineId: tzc.id, quantityBase: 1000 }]).expect(201);
    expect(added.body.items).toHaveLength(2);
    expect(await line(eggs.id)).toEqual(expect.objectContaining({ status: 'BATCHED', batched_quantity_base: 30 }));
    expect(await line(tzc.id)).toEqual(expect.objectContaining({ status: 'PARTLY_BATCHED', batched_quantity_base: 1000 }));
    expect((await c.agentA.get(`/api/v1/consignments/${a.id}`).expect(200)).body.status).toBe('PARTLY_BATCHED');
    // the rest of the 坛子菜 line merges into the same item; then the 豆腐乳
    await add(batch.id, [{ consignmentLineId: tzc.id }, { consignmentLineId: dfr.id }]).expect(201);
    const full = (await c.agentA.get(`/api/v1/batches/${batch.id}`).expect(200)).body;
    expect(item(full, tzc.id).quantityBase).toBe(1250);
    expect((await c.agentA.get(`/api/v1/consignments/${a.id}`).expect(200)).body.status).toBe('BATCHED');

    const sealed = (await c.agentA.post(`/api/v1/batches/${batch.id}/seal`).expect(200)).body;
    expect(sealed.status).toBe('SEALED');
    expect(sealed.manifestTotals).toEqual({
      lineCount: 3, farmerCount: 1,
      products: expect.arrayContaining([{ productId: products.egg.id, quantityBase: 30, lineCount: 1 }, { productId: products.tzc.id, quantityBase: 1250, lineCount: 1 }]),
    });
    const frozen = await add(batch.id, [{ consignmentLineId: eggs.id }]).expect(409);
    expectErrorBody(frozen.body, 409, 'BATCH_STATE_INVALID');

    const manifest = (await c.agentA.get(`/api/v1/batches/${batch.id}/manifest`).expect(200)).body;
    expect(manifest.frozen).toBe(true);
    expect(manifest.products.map((p: { productName: string }) => p.productName).sort()).toEqual(['土鸡蛋', '坛子菜', '豆腐乳'].sort());

    const badDispatch = await c.agentA.post(`/api/v1/batches/${batch.id}/dispatch`, dispatchBody({ carrierKind: 'CARRIER' })).expect(422);
    expectErrorBody(badDispatch.body, 422, 'CARRIER_NAME_REQUIRED');
    const dispatched = (await c.agentA.post(`/api/v1/batches/${batch.id}/dispatch`, dispatchBody({ carrierKind: 'CARRIER', carrierName: '益阳顺达物流' })).expect(200)).body;
    expect(dispatched.status).toBe('DISPATCHED');
    expect(dispatched.dispatch).toEqual(expect.objectContaining({ vehiclePlate: '湘H·12345', carrierName: '益阳顺达物流' }));
    expect((await events('batch.dispatched', batch.id))[0].payload).toEqual(expect.objectContaining({ batchId: batch.id, lineCount: 3, farmerCount: 1 }));
    // cancelling after dispatch is refused
    expectErrorBody((await c.agentA.post(`/api/v1/batches/${batch.id}/cancel`, { reason: '不发了' }).expect(409)).body, 409, 'BATCH_STATE_INVALID');

    // partial receiving: eggs first (28 good, 2 broken); retried
    const first = { requestId: randomUUID(), lines: [{ batchItemId: item(full, eggs.id).id, receivedQuantityBase: 28, damagedQuantityBase: 2 }] };
    const r1 = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, first).expect(201);
    expect(r1.body.status).toBe('RECEIVED');
    expect(r1.body.receivingStartedAt).toBeTruthy();
    const retry = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, first).expect(200);
    expect(item(retry.body, eggs.id)).toEqual(expect.objectContaining({ receivedBase: 28, damagedBase: 2, accounted: true }));
    expect(retry.body.transitLosses).toHaveLength(1);
    const reused = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, { ...first, lines: [{ ...first.lines[0], receivedQuantityBase: 27 }] }).expect(409);
    expectErrorBody(reused.body, 409, 'REQUEST_ID_REUSED');
    // more than shipped without a reason is refused
    const over = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, { requestId: randomUUID(), lines: [{ batchItemId: item(full, dfr.id).id, receivedQuantityBase: 3 }] }).expect(422);
    expectErrorBody(over.body, 422, 'RECEIVED_EXCEEDS_SHIPPED');
    // the 坛子菜 in two parts, the second closing it with 50 g missing; 豆腐乳 with a declared surplus
    await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, { requestId: randomUUID(), lines: [{ batchItemId: item(full, tzc.id).id, receivedQuantityBase: 700 }] }).expect(201);
    const done = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, {
      requestId: randomUUID(),
      lines: [
        { batchItemId: item(full, tzc.id).id, receivedQuantityBase: 500, complete: true, lossCause: 'LOST' },
        { batchItemId: item(full, dfr.id).id, receivedQuantityBase: 3, surplusReason: '农户多放一瓶' },
      ],
    }).expect(201);
    // every line accounted for: the batch closes by itself
    expect(done.body).toEqual(expect.objectContaining({ status: 'CLOSED', closedAt: expect.any(String) }));
    expect(item(done.body, tzc.id)).toEqual(expect.objectContaining({ receivedBase: 1200, lostBase: 50, accounted: true }));
    expect(item(done.body, dfr.id)).toEqual(expect.objectContaining({ receivedBase: 3, surplusBase: 1, surplusReason: '农户多放一瓶' }));
    expect(done.body.transitLosses.map((l: { cause: string; quantityBase: number; bearer: string }) => [l.cause, l.quantityBase, l.bearer]))
      .toEqual([['DAMAGED', 2, 'COMPANY'], ['LOST', 50, 'COMPANY']]);
    const received = await events('batch.received', batch.id);
    expect(received).toHaveLength(1);
    expect(received[0].payload).toEqual(expect.objectContaining({ lineCount: 3, damagedBase: 2, lostBase: 50, surplusBase: 1, losses: expect.any(Array) }));
    expect(received[0].payload.losses).toHaveLength(2);
    // default policy: the company bears transit loss, nothing is charged to the farmer
    expect(await events('warehouse.chargeback_recorded', batch.id)).toHaveLength(0);
    expect(await t.dataSource.query('SELECT id FROM chargeback WHERE batch_id = ?', [batch.id])).toHaveLength(0);

    expect(await events('batch.closed', batch.id)).toHaveLength(1);
    // a closed batch takes no new receipt
    expectErrorBody((await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, { ...first, requestId: randomUUID() }).expect(409)).body, 409, 'BATCH_STATE_INVALID');
  });

  it('should let exactly one of two concurrent adds of the same line win, and make a retried add a no-op', async () => {
    const a = await cons();
    const eggs = a.lines[0];
    const [b1, b2] = [await open(), await open()];
    const results = await Promise.all([add(b1.id, [{ consignmentLineId: eggs.id }]), add(b2.id, [{ consignmentLineId: eggs.id }])]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expectErrorBody(results.find((r) => r.status === 409)!.body, 409, 'LINE_ALREADY_BATCHED');
    expect(await line(eggs.id)).toEqual(expect.objectContaining({ status: 'BATCHED', batched_quantity_base: 30 }));
    const items = await t.dataSource.query('SELECT batch_id, quantity_base FROM batch_item WHERE consignment_line_id = ?', [eggs.id]);
    expect(items).toHaveLength(1);

    // the same request sent twice at once, and again later: batched once
    const tzc = a.lines[1];
    const requestId = randomUUID();
    const same = await Promise.all([add(b1.id, [{ consignmentLineId: tzc.id, quantityBase: 500 }], requestId), add(b1.id, [{ consignmentLineId: tzc.id, quantityBase: 500 }], requestId)]);
    expect(same.map((r) => r.status).sort()).toEqual([200, 201]);
    await add(b1.id, [{ consignmentLineId: tzc.id, quantityBase: 500 }], requestId).expect(200);
    expect(await line(tzc.id)).toEqual(expect.objectContaining({ status: 'PARTLY_BATCHED', batched_quantity_base: 500 }));
    expectErrorBody((await add(b1.id, [{ consignmentLineId: tzc.id, quantityBase: 400 }], requestId).expect(409)).body, 409, 'REQUEST_ID_REUSED');

    // the database itself refuses a counter above the accepted quantity
    await expect(t.dataSource.query('UPDATE consignment_line SET batched_quantity_base = accepted_quantity_base + 1 WHERE id = ?', [tzc.id])).rejects.toThrow(/CONSTRAINT|constraint/);
    // two adds of the same line to the same batch under different request ids: the second finds nothing left
    const rest = await Promise.all([add(b2.id, [{ consignmentLineId: tzc.id }]), add(b2.id, [{ consignmentLineId: tzc.id }])]);
    expect(rest.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await line(tzc.id)).toEqual(expect.objectContaining({ status: 'BATCHED', batched_quantity_base: 1250 }));
  });

  it('should refuse lines that cannot be batched and batches that break the rules, writing nothing', async () => {
    const batch = await open();
    const uninspected = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products)).expect(201)).body;
    expectErrorBody((await add(batch.id, [{ consignmentLineId: uninspected.lines[0].id }]).expect(422)).body, 422, 'LINE_NOT_INSPECTED');

    const voided = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products)).expect(201)).body;
    await c.agentA.post(`/api/v1/consignments/${voided.id}/void`, { reason: '农户取消交售' }).expect(200);
    expectErrorBody((await add(batch.id, [{ consignmentLineId: voided.lines[0].id }]).expect(422)).body, 422, 'LINE_VOIDED');

    const rejected = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products)).expect(201)).body;
    await c.agentA.post(`/api/v1/consignments/${rejected.id}/quality-checks`, {
      lines: [{ lineNo: 1, accepted: [], rejected: [{ reason: 'DAMAGED', quantity: 30, disposition: 'RETURNED_TO_FARMER' }], checklist: { cracks: false, dirt: true, size: true } }],
    }).expect(201);
    expectErrorBody((await add(batch.id, [{ consignmentLineId: rejected.lines[0].id }]).expect(422)).body, 422, 'LINE_NOTHING_ACCEPTED');

    const a = await cons();
    expectErrorBody((await add(batch.id, [{ consignmentLineId: a.lines[0].id, quantityBase: 31 }]).expect(422)).body, 422, 'QUANTITY_EXCEEDS_AVAILABLE');
    // one bad item refuses the whole request: the good one is not batched either
    await add(batch.id, [{ consignmentLineId: a.lines[1].id }, { consignmentLineId: uninspected.lines[1].id }]).expect(422);
    expect(await line(a.lines[1].id)).toEqual(expect.objectContaining({ status: 'INSPECTED', batched_quantity_base: 0 }));

    const atB = await inspectedConsignment(c.agentB, org.pointB.id, farmerB, products);
    expectErrorBody((await add(batch.id, [{ consignmentLineId: atB.lines[0].id }], randomUUID(), c.admin).expect(422)).body, 422, 'LINE_NOT_AT_POINT');
    // another agent's point: the batch is not theirs
    await add(batch.id, [{ consignmentLineId: atB.lines[0].id }], randomUUID(), c.agentB).expect(404);

    const foreign = await c.agentA.post('/api/v1/batches', openBatchBody(org.pointA.id, other.warehouse1.id)).expect(422);
    expectErrorBody(foreign.body, 422, 'WAREHOUSE_NOT_FOUND');

    const empty = await open();
    expectErrorBody((await c.agentA.post(`/api/v1/batches/${empty.id}/dispatch`, dispatchBody()).expect(422)).body, 422, 'BATCH_EMPTY');
    expectErrorBody((await c.agentA.post(`/api/v1/batches/${empty.id}/seal`).expect(422)).body, 422, 'BATCH_EMPTY');
    expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM batch_item WHERE batch_id = ?', [batch.id])).toEqual([{ n: '0' }]);
  });

  it('should release the lines of a cancelled batch', async () => {
    const a = await cons();
    const batch = await open();
    await add(batch.id, a.lines.map((l) => ({ consignmentLineId: l.id }))).expect(201);
    await c.agentA.post(`/api/v1/batches/${batch.id}/seal`).expect(200);
    const cancelled = (await c.agentA.post(`/api/v1/batches/${batch.id}/cancel`, { reason: '车辆故障' }).expect(200)).body;
    expect(cancelled).toEqual(expect.objectContaining({ status: 'CANCELLED', cancelReason: '车辆故障' }));
    for (const l of a.lines) expect(await line(l.id)).toEqual(expect.objectContaining({ status: 'INSPECTED', batched_quantity_base: 0 }));
    expect((await c.agentA.get(`/api/v1/consignments/${a.id}`).expect(200)).body.status).toBe('INSPECTED');
    // the lines can go into another batch
    const again = await open();
    await add(again.id, [{ consignmentLineId: a.lines[0].id }]).expect(201);
    // removing an item from an open batch also releases it
    const removed = (await c.agentA.delete(`/api/v1/batches/${again.id}/items/${(await c.agentA.get(`/api/v1/batches/${again.id}`)).body.items[0].id}`).expect(200)).body;
    expect(removed.items).toHaveLength(0);
    expect(await line(a.lines[0].id)).toEqual(expect.objectContaining({ status: 'INSPECTED', batched_quantity_base: 0 }));
  });

  it('should let only the destination warehouse receive (404 elsewhere) and scope reads', async () => {
    const a = await cons();
    const toWh2 = await dispatchedBatch(c.agentA, org.pointA.id, org.warehouse2.id, [a.lines[0].id]);
    const body = { requestId: randomUUID(), lines: [{ batchItemId: toWh2.items[0].id, receivedQuantityBase: 30 }] };
    expectErrorBody((await c.warehouseStaff.post(`/api/v1/batches/${toWh2.id}/receipts`, body).expect(404)).body, 404, 'BATCH_NOT_FOUND');
    await c.warehouseStaff.get(`/api/v1/batches/${toWh2.id}`).expect(404);
    await c.agentB.get(`/api/v1/batches/${toWh2.id}`).expect(404);
    await c.manager.get(`/api/v1/batches/${toWh2.id}`).expect(200);
    await c.agentA.post(`/api/v1/batches/${toWh2.id}/receipts`, body).expect(403);
    expect(await t.dataSource.query('SELECT id FROM batch_receipt WHERE batch_id = ?', [toWh2.id])).toHaveLength(0);
    const staffList = (await c.warehouseStaff.get('/api/v1/batches?limit=200').expect(200)).body.items;
    expect(staffList.every((b: { warehouseId: string }) => b.warehouseId === org.warehouse1.id)).toBe(true);
    await c.admin.post(`/api/v1/batches/${toWh2.id}/receipts`, body).expect(201);
  });

  it('should record a latent-defect chargeback with evidence at the locked price and publish the ledger contract', async () => {
    const a = await cons();
    const batch = await dispatchedBatch(c.agentA, org.pointA.id, org.warehouse1.id, [a.lines[1].id]);
    const itemId = batch.items[0].id;
    await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, { requestId: randomUUID(), lines: [{ batchItemId: itemId, receivedQuantityBase: 1250 }] }).expect(201);
    const noEvidence = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/items/${itemId}/chargebacks`, { requestId: randomUUID(), quantityBase: 500, reason: '开坛变质' }).expect(422);
    expectErrorBody(noEvidence.body, 422, 'EVIDENCE_REQUIRED');
    const body = { requestId: randomUUID(), quantityBase: 500, reason: '坛子菜封口完好但开坛变质', evidenceNote: '开坛有霉斑', evidencePhotos: ['photos/2026/tzc-1.jpg'] };
    const cb = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/items/${itemId}/chargebacks`, body).expect(201);
    // 1500 fen per 斤 (500 g) locked at QC → 500 g = 1500 fen
    expect(cb.body).toEqual(expect.objectContaining({ kind: 'LATENT_DEFECT', quantityBase: 500, amountFen: 1500, farmerId }));
    await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/items/${itemId}/chargebacks`, body).expect(200);
    const published = await events('warehouse.chargeback_recorded', cb.body.id);
    expect(published).toHaveLength(1);
    expect(published[0].payload).toEqual({
      sourceKey: `chargeback:${cb.body.id}`, chargebackId: cb.body.id, companyId: org.company.id, farmerId, consignmentLineId: a.lines[1].id,
      productId: products.tzc.id, quantityBase: 500, amountFen: 1500, reason: '坛子菜封口完好但开坛变质',
    });
    const tooMuch = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/items/${itemId}/chargebacks`, { ...body, requestId: randomUUID(), quantityBase: 800 }).expect(422);
    expectErrorBody(tooMuch.body, 422, 'QUANTITY_EXCEEDS_RECEIVED');
  });

  it('should alert a batch dispatched but not received in time once, and print an escaped manifest page', async () => {
    const a = await cons();
    const batch = (await c.agentA.post('/api/v1/batches', openBatchBody(org.pointA.id, org.warehouse1.id)).expect(201)).body;
    await add(batch.id, [{ consignmentLineId: a.lines[2].id }]).expect(201);
    await c.agentA.post(`/api/v1/batches/${batch.id}/seal`).expect(200);
    await c.agentA.post(`/api/v1/batches/${batch.id}/dispatch`, dispatchBody({ departedAt: new Date(Date.now() - 30 * 3600_000).toISOString() })).expect(200);
    await t.dataSource.query('UPDATE batch SET dispatched_at = ? WHERE id = ?', [new Date(Date.now() - 30 * 3600_000), batch.id]);
    const receiving = t.app.get(ReceivingService);
    expect(await receiving.alertStale(new Date())).toBeGreaterThanOrEqual(1);
    await receiving.alertStale(new Date());
    const stale = await events('batch.stale', batch.id);
    expect(stale).toHaveLength(1);
    expect(stale[0].payload).toEqual(expect.objectContaining({ batchId: batch.id, staleAfterHours: 24 }));

    const atB = await inspectedConsignment(c.agentB, org.pointB.id, farmerB, products);
    const bBatch = (await c.agentB.post('/api/v1/batches', openBatchBody(org.pointB.id, org.warehouse1.id)).expect(201)).body;
    await add(bBatch.id, [{ consignmentLineId: atB.lines[0].id }], randomUUID(), c.agentB).expect(201);
    const html = await c.agentB.get(`/api/v1/batches/${bBatch.id}/manifest.html`).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('张&lt;b&gt;三&lt;/b&gt;');
    expect(html.text).not.toContain('<b>三');
    expect(html.text).toContain('土鸡蛋');
    // out of scope: the usual JSON error body, not a page
    const refused = await c.agentA.get(`/api/v1/batches/${bBatch.id}/manifest.html`).expect(404);
    expect(refused.headers['content-type']).toMatch(/application\/json/);
    expectErrorBody(refused.body, 404);
  });
});
