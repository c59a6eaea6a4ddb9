import { randomUUID } from 'crypto';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { dispatchedBatch, inspectedConsignment } from '../factories/batch.factory';
import { Caller, callersFor } from '../support/http';

/** With WAREHOUSE_TRANSIT_LOSS_BEARER=FARMER every transit loss becomes a chargeback to the farmer's line. */
describe('Transit loss policy FARMER (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmerId: string;

  beforeAll(async () => {
    process.env.WAREHOUSE_TRANSIT_LOSS_BEARER = 'FARMER';
    t = await createTestApp();
    delete process.env.WAREHOUSE_TRANSIT_LOSS_BEARER;
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA, warehouseStaff: org.users.warehouseStaff });
    products = await createTestProducts(c.admin);
    farmerId = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
  });
  afterAll(() => t.close());

  it('should record the loss as borne by the farmer and publish a chargeback at the locked price', async () => {
    const a = await inspectedConsignment(c.agentA, org.pointA.id, farmerId, products);
    const batch = await dispatchedBatch(c.agentA, org.pointA.id, org.warehouse1.id, [a.lines[0].id]);
    const res = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, {
      requestId: randomUUID(), lines: [{ batchItemId: batch.items[0].id, receivedQuantityBase: 26, damagedQuantityBase: 3, complete: true }],
    }).expect(201);
    expect(res.body.transitLosses.map((l: { cause: string; quantityBase: number; bearer: string }) => [l.cause, l.quantityBase, l.bearer]))
      .toEqual([['DAMAGED', 3, 'FARMER'], ['LOST', 1, 'FARMER']]);
    expect(res.body.chargebacks.map((x: { kind: string; quantityBase: number; amountFen: number }) => [x.kind, x.quantityBase, x.amountFen]))
      .toEqual([['TRANSIT_LOSS', 3, 600], ['TRANSIT_LOSS', 1, 200]]);
    const events = await t.dataSource.query("SELECT payload FROM outbox_event WHERE event_type = 'warehouse.chargeback_recorded' AND JSON_VALUE(payload, '$.farmerId') = ?", [farmerId]);
    expect(events.map((e: { payload: { amountFen: number } }) => e.payload.amountFen)).toEqual([600, 200]);
  });
});
