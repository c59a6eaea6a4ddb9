import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { dispatchedBatch, inspectedConsignment } from '../factories/batch.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { drainEvents, startWorker } from '../support/worker';

/**
 * Across modules: goods accepted at the point earn the farmer money (purchase mode), and a latent
 * defect found at the warehouse comes back out of the farmer's balance — through the real outbox,
 * queue and worker, exactly once even when the warehouse request is retried.
 */
describe('Warehouse chargeback reaches the farmer ledger (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA, warehouseStaff: org.users.warehouseStaff });
    products = await createTestProducts(c.admin);
    farmerId = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const money = async () => (await c.admin.get(`/api/v1/farmers/${farmerId}/money`).expect(200)).body;
  const ledgerSumsToZero = async () =>
    Number((await t.dataSource.query('SELECT COALESCE(SUM(amount_fen), 0) AS s FROM ledger_entry WHERE account_id IN (SELECT id FROM ledger_account WHERE company_id = ?)', [org.company.id]))[0].s);

  it('should deduct a latent-defect chargeback from the balance once, and keep the ledger balanced', async () => {
    const consignment = await inspectedConsignment(c.agentA, org.pointA.id, farmerId, products);
    await drainEvents(worker);
    const before = await money();
    expect(before.balanceFen).toBeGreaterThan(0);

    const tzcLine = consignment.lines.find((l) => l.productId === products.tzc.id)!;
    const batch = await dispatchedBatch(c.agentA, org.pointA.id, org.warehouse1.id, [tzcLine.id]);
    const itemId = batch.items[0].id;
    await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, { requestId: randomUUID(), lines: [{ batchItemId: itemId, receivedQuantityBase: 1250 }] }).expect(201);
    const chargeback = { requestId: randomUUID(), quantityBase: 500, reason: '开坛变质', evidenceNote: '封口完好，开坛有霉斑', evidencePhotos: ['photos/tzc-1.jpg'] };
    const recorded = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/items/${itemId}/chargebacks`, chargeback).expect(201);
    await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/items/${itemId}/chargebacks`, chargeback).expect(200);
    await drainEvents(worker);

    const after = await money();
    expect(recorded.body.amountFen).toBe(1500);
    expect(after.balanceFen).toBe(before.balanceFen - 1500);
    const entries = await t.dataSource.query(
      `SELECT e.kind, e.amount_fen AS amount FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
        WHERE a.owner_type = 'FARMER' AND a.owner_id = ? AND e.kind = 'CHARGEBACK'`, [farmerId]);
    expect(entries).toEqual([{ kind: 'CHARGEBACK', amount: '-1500' }]);
    expect(await ledgerSumsToZero()).toBe(0);
  });
});
