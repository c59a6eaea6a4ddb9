import { randomUUID } from 'crypto';
import { TestProducts } from '../factories/catalog.factory';
import { inspectedConsignment, openBatchBody } from '../factories/batch.factory';
import { consignmentBody } from '../factories/intake.factory';
import { TestOrg } from '../factories/organization.factory';
import { intakeWorld } from '../factories/intake-world.factory';
import { TestApp } from '../setup/app';
import { Caller, expectErrorBody } from '../support/http';

/**
 * Consignment-mode goods still at the point given back to their farmer (POST
 * /consignments/:id/lines/:lineNo/hand-backs): recorded once per client id, the units leave what can be
 * batched, nothing is posted; purchased goods, goods already batched or another point's goods are refused.
 */
describe('Giving unsold consignment goods back to the farmer (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmerId: string;

  const handBack = (consignmentId: string, lineNo: number, body: Record<string, unknown>, as = c.agentA) =>
    as.post(`/api/v1/consignments/${consignmentId}/lines/${lineNo}/hand-backs`, body);
  const line = async (id: string, lineNo: number) => (await c.agentA.get(`/api/v1/consignments/${id}`).expect(200)).body.lines
    .find((l: { lineNo: number }) => l.lineNo === lineNo);
  const counts = () => Promise.all([
    t.dataSource.query('SELECT COUNT(*) AS n FROM goods_hand_back'),
    t.dataSource.query('SELECT COALESCE(SUM(handed_back_quantity_base), 0) AS n FROM consignment_line'),
    t.dataSource.query("SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = 'consignment.goods_handed_back'"),
    t.dataSource.query('SELECT COUNT(*) AS n FROM ledger_entry'),
  ]);

  beforeAll(async () => {
    ({ t, org, c, products, farmerId } = await intakeWorld());
  });
  afterAll(() => t.close());

  it('should give back part of a line, then the rest, once per client id, and keep those units out of batches', async () => {
    const cons = await inspectedConsignment(c.agentA, org.pointA.id, farmerId, products);
    const entriesBefore = (await counts())[3];
    const first = { clientId: randomUUID(), quantityBase: 500, note: '寄售期满未售出，农户领回一部分' };
    const a = await handBack(cons.id, 2, first).expect(201); // 坛子菜 1250 g
    expect(a.body).toEqual(expect.objectContaining({ consignmentId: cons.id, lineNo: 2, farmerId, quantityBase: 500, note: first.note, createdBy: org.users.agentA.id }));
    // a resent request (offline retry) answers with the same record and changes nothing
    const again = await handBack(cons.id, 2, first).expect(200);
    expect(again.body.id).toBe(a.body.id);
    expect((await line(cons.id, 2)).handedBackQuantityBase).toBe(500);

    // the other 750 g go into a batch; nothing is left at the point for a second hand-back
    const batch = (await c.agentA.post('/api/v1/batches', openBatchBody(org.pointA.id, org.warehouse1.id)).expect(201)).body;
    const lineId = (await line(cons.id, 2)).id;
    const added = await c.agentA.post(`/api/v1/batches/${batch.id}/items`, { requestId: randomUUID(), items: [{ consignmentLineId: lineId }] }).expect(201);
    expect(added.body.items.find((i: { consignmentLineId: string }) => i.consignmentLineId === lineId).quantityBase).toBe(750);
    expect((await line(cons.id, 2)).status).toBe('BATCHED');
    expectErrorBody((await handBack(cons.id, 2, { clientId: randomUUID() }).expect(409)).body, 409, 'LINE_NOTHING_AT_POINT');

    // 豆腐乳: all of it back (no quantity); the line can then not be batched
    const all = await handBack(cons.id, 3, { clientId: randomUUID() }).expect(201);
    expect(all.body.quantityBase).toBe(2);
    const dfrLine = (await line(cons.id, 3)).id;
    const refused = await c.agentA.post(`/api/v1/batches/${batch.id}/items`, { requestId: randomUUID(), items: [{ consignmentLineId: dfrLine }] }).expect(409);
    expectErrorBody(refused.body, 409, 'LINE_HANDED_BACK');
    // nothing is posted to the ledger: consignment goods earn only when sold
    expect((await counts())[3]).toEqual(entriesBefore);
    const events = await t.dataSource.query("SELECT payload FROM outbox_event WHERE event_type = 'consignment.goods_handed_back' AND aggregate_id = ? ORDER BY id", [cons.id]);
    expect(events.map((e: { payload: { quantityBase: number } }) => e.payload.quantityBase)).toEqual([500, 2]);
    const audit = await t.dataSource.query("SELECT reason FROM audit_log WHERE entity_type = 'consignment' AND entity_id = ? AND action = 'hand_back' ORDER BY id", [cons.id]);
    expect(audit).toEqual([{ reason: first.note }, { reason: null }]);
  });

  it('should refuse bad hand-backs with a clear 4xx and change nothing', async () => {
    const cons = await inspectedConsignment(c.agentA, org.pointA.id, farmerId, products);
    const received = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products)).expect(201)).body;
    const before = await counts();
    const cases: Array<[string, number, Record<string, unknown>, number, string, Caller?]> = [
      [cons.id, 1, { clientId: randomUUID() }, 422, 'LINE_NOT_CONSIGNMENT'], // eggs are bought outright
      [cons.id, 3, { clientId: randomUUID(), quantityBase: 3 }, 422, 'QUANTITY_EXCEEDS_AVAILABLE'], // 2 jars at the point
      [cons.id, 3, { clientId: randomUUID(), quantityBase: 0 }, 400, 'VALIDATION_FAILED'],
      [cons.id, 3, { clientId: 'not-a-uuid' }, 400, 'VALIDATION_FAILED'],
      [cons.id, 9, { clientId: randomUUID() }, 404, 'LINE_NOT_FOUND'],
      [received.id, 3, { clientId: randomUUID() }, 422, 'LINE_NOT_INSPECTED'],
      [cons.id, 3, { clientId: randomUUID() }, 404, 'CONSIGNMENT_NOT_FOUND', c.agentB], // another point's agent
      [cons.id, 3, { clientId: randomUUID() }, 403, 'FORBIDDEN', c.warehouseStaff],
    ];
    for (const [id, lineNo, body, status, code, as] of cases) {
      const res = await handBack(id, lineNo, body, as);
      expect([lineNo, code, res.status]).toEqual([lineNo, code, status]);
      expectErrorBody(res.body, status, code);
    }
    // the same client id for another line is refused, not taken as a retry
    const id = randomUUID();
    await handBack(cons.id, 2, { clientId: id, quantityBase: 100 }).expect(201);
    expectErrorBody((await handBack(cons.id, 3, { clientId: id }).expect(422)).body, 422, 'CLIENT_ID_REUSED');
    const after = await counts();
    expect(after[0][0].n - before[0][0].n).toBe(1);
    expect(Number(after[1][0].n) - Number(before[1][0].n)).toBe(100);
  });

  it('should give back at most what is at the point when two hand-backs race', async () => {
    const cons = await inspectedConsignment(c.agentA, org.pointA.id, farmerId, products);
    const results = await Promise.all([1, 2].map(() => handBack(cons.id, 3, { clientId: randomUUID(), quantityBase: 2 })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await line(cons.id, 3)).handedBackQuantityBase).toBe(2);
  });
});
