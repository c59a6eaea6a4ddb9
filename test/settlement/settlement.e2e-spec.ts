process.env.PAYOUT_BACKOFF_MS = '50';
import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { SandboxPayoutProvider } from '../../src/payouts/sandbox-payout.adapter';
import { businessDay } from '../../src/common/business-day';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { acceptEggs, assertLedgerInvariants, assertNoEntryInTwoStatements, drainAll } from '../support/ledger';
import { payoutChangeCode } from '../support/farmer-app';
import { startWorker } from '../support/worker';

describe('Settlement runs, approval and payouts (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  const today = () => businessDay(new Date());
  let seq = 0;
  const account = () => `62220212${String(Date.now()).slice(-7)}${String(seq++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const bankFarmer = async (verified = true, extra: Record<string, unknown> = {}) => {
    const acct = account();
    const id = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, {
      payout: { method: 'BANK_CARD', bankName: '桃江农商银行', accountNumber: acct }, ...extra,
    })).expect(201)).body.id as string;
    if (verified) await c.admin.post(`/api/v1/farmers/${id}/payout-verification`).expect(200);
    return { id, acct };
  };
  const runFor = async (periodKey: string) => {
    const res = await c.admin.post('/api/v1/settlement-runs', { throughDay: today(), periodKey });
    expect([200, 201]).toContain(res.status);
    return res.body;
  };
  const statementOf = async (runId: string, farmerId: string) => {
    const page = await c.admin.get(`/api/v1/settlement-runs/${runId}/statements?limit=200`).expect(200);
    return page.body.items.find((s: { farmerId: string }) => s.farmerId === farmerId);
  };

  it('should collect unsettled earnings per farmer into one statement with items, roll over small ones, once per period', async () => {
    const big = await bankFarmer();
    const small = await bankFarmer();
    await acceptEggs(c.agentA, org.pointA.id, big.id, products, 30); // 6000
    await acceptEggs(c.agentA, org.pointA.id, big.id, products, 10); // 2000
    await acceptEggs(c.agentA, org.pointA.id, small.id, products, 4); // 800 < 1000: rolls over
    await drainAll(worker);

    const [a, b] = await Promise.all([runFor('p1'), runFor('p1')]);
    expect(a.id).toBe(b.id);
    expect((await c.admin.post('/api/v1/settlement-runs', { throughDay: today(), periodKey: 'p1' })).status).toBe(200);
    const st = await statementOf(a.id, big.id);
    expect(st).toEqual(expect.objectContaining({ totalFen: 8000, itemCount: 2, status: 'PENDING_APPROVAL' }));
    expect(await statementOf(a.id, small.id)).toBeUndefined();
    const detail = await c.agentA.get(`/api/v1/statements/${st.id}`).expect(200);
    expect(detail.body.items.map((i: { amountFen: number; productName: string; quantityBase: number; unitPriceFen: number; channel: string }) =>
      [i.amountFen, i.productName, i.quantityBase, i.unitPriceFen, i.channel]).sort()).toEqual([[2000, '土鸡蛋', 10, 200, 'PURCHASE'], [6000, '土鸡蛋', 30, 200, 'PURCHASE']]);
    expect((await c.agentB.get(`/api/v1/statements/${st.id}`)).status).toBe(404);

    expect((await c.agentA.get(`/api/v1/farmers/${big.id}/money`).expect(200)).body).toEqual(
      expect.objectContaining({ balanceFen: 8000, pendingFen: 0, inSettlementFen: 8000, paidFen: 0 }));
    expect((await c.agentA.get(`/api/v1/farmers/${small.id}/money`).expect(200)).body).toEqual(
      expect.objectContaining({ balanceFen: 800, pendingFen: 800, inSettlementFen: 0 }));
    // a later run of another period finds nothing new for the big farmer
    const p2 = await runFor('p2');
    expect(await statementOf(p2.id, big.id)).toBeUndefined();
    await assertNoEntryInTwoStatements(t.dataSource, org.company.id);
  });

  it("should list a run's statements with each farmer's name and village (no phone), page by page, in the caller's scope", async () => {
    const wu = await bankFarmer(true, { name: '吴秋生' });
    const li = await bankFarmer(true, { name: '李秋菊', villageRegionId: org.regions.villageB.id });
    await acceptEggs(c.agentA, org.pointA.id, wu.id, products, 10); // 2000
    await acceptEggs(c.agentA, org.pointA.id, li.id, products, 10);
    await drainAll(worker);
    const run = await runFor('names');

    const first = await c.admin.get(`/api/v1/settlement-runs/${run.id}/statements?limit=1`).expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toBe(first.body.items[0].id);
    const rest = await c.admin.get(`/api/v1/settlement-runs/${run.id}/statements?limit=200&cursor=${first.body.nextCursor}`).expect(200);
    expect(rest.body.nextCursor).toBeNull();
    const items = [...first.body.items, ...rest.body.items];
    expect(items).toHaveLength(run.statementCount);
    const byFarmer = Object.fromEntries(items.map((s: { farmerId: string }) => [s.farmerId, s]));
    const fields = { runId: run.id, pointId: org.pointA.id, totalFen: 2000, itemCount: 1, status: 'PENDING_APPROVAL', approvedAt: null };
    expect(byFarmer[wu.id]).toEqual(expect.objectContaining({ ...fields, farmerName: '吴秋生', villageName: '花桥港村' }));
    expect(byFarmer[li.id]).toEqual(expect.objectContaining({ ...fields, farmerName: '李秋菊', villageName: org.regions.villageB.name }));
    // every row's name and village are the farmer's in the database; the fields of before are all still there
    const db = await t.dataSource.query(
      'SELECT s.id, f.name, v.name AS village FROM payout_statement s JOIN farmer f ON f.id = s.farmer_id JOIN region v ON v.id = f.village_region_id WHERE s.run_id = ?', [run.id]);
    expect(items.map((s: { id: string; farmerName: string; villageName: string }) => [s.id, s.farmerName, s.villageName]).sort())
      .toEqual(db.map((r: Record<string, unknown>) => [String(r.id), r.name, r.village]).sort());
    expect(Object.keys(byFarmer[wu.id]).sort()).toEqual(
      ['approvedAt', 'createdAt', 'farmerId', 'farmerName', 'id', 'itemCount', 'pointId', 'runId', 'status', 'totalFen', 'villageName']);

    // an agent sees the statements of their own points only
    expect((await c.agentA.get(`/api/v1/settlement-runs/${run.id}/statements?limit=200`).expect(200)).body.items.map((s: { farmerId: string }) => s.farmerId))
      .toEqual(expect.arrayContaining([wu.id, li.id]));
    expect((await c.agentB.get(`/api/v1/settlement-runs/${run.id}/statements`).expect(200)).body.items).toEqual([]);

    // the OpenAPI document describes the page and its new fields
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const schema = doc.paths['/api/v1/settlement-runs/{id}/statements'].get.responses['200'].content['application/json'].schema;
    expect(schema.$ref).toBe('#/components/schemas/StatementListPageDto');
    expect(doc.components.schemas.StatementListItemDto.required).toEqual(expect.arrayContaining(['farmerId', 'farmerName', 'villageName', 'totalFen']));
  });

  it('should approve once, pay only approved statements, and pay each exactly once through the channel', async () => {
    const f = await bankFarmer();
    await acceptEggs(c.agentA, org.pointA.id, f.id, products, 20); // 4000
    await drainAll(worker);
    const run = await runFor('pay-1');
    const st = await statementOf(run.id, f.id);
    expectErrorBody((await c.admin.post(`/api/v1/statements/${st.id}/payout`)).body, 409, 'STATEMENT_NOT_APPROVED');
    expectErrorBody((await c.agentA.post(`/api/v1/settlement-runs/${run.id}/approve`)).body, 403);
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    expectErrorBody((await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`)).body, 409, 'SETTLEMENT_RUN_ALREADY_APPROVED');
    expectErrorBody((await c.admin.post(`/api/v1/statements/${st.id}/approve`)).body, 409, 'STATEMENT_NOT_PENDING');

    SandboxPayoutProvider.scriptAccount(f.acct, 'CRASH_AFTER_PAY');
    const [p1, p2] = await Promise.all([c.admin.post(`/api/v1/statements/${st.id}/payout`), c.admin.post(`/api/v1/statements/${st.id}/payout`)]);
    expect([p1.status, p2.status].sort()).toEqual([200, 201]);
    expect(p1.body.requestNo).toBe(p2.body.requestNo);
    // changing the payout account while the payout is in flight is refused
    const change = await c.admin.patch(`/api/v1/farmers/${f.id}`, { payout: { method: 'BANK_CARD', bankName: '农行', accountNumber: account() } });
    // (without a code it can never pass; once the payout is done the missing code is what refuses it)
    expect(['FARMER_PAYOUT_IN_FLIGHT', 'PAYOUT_CODE_REQUIRED']).toContain(change.body.code);
    await drainAll(worker);
    const payout = (await c.admin.get(`/api/v1/statements/${st.id}/payout`).expect(200)).body.payout;
    expect(payout).toEqual(expect.objectContaining({ status: 'PAID', amountFen: 4000, channel: 'BANK_TRANSFER' }));
    expect(SandboxPayoutProvider.timesPaid(payout.requestNo)).toBe(1);
    expect((await c.admin.get(`/api/v1/farmers/${f.id}/money`).expect(200)).body).toEqual(expect.objectContaining({ balanceFen: 0, paidFen: 4000, inSettlementFen: 0 }));
    const report = await c.admin.get(`/api/v1/settlement-runs/${run.id}`).expect(200);
    expect(report.body.points).toEqual(expect.arrayContaining([expect.objectContaining({ pointId: org.pointA.id, paidFen: expect.any(Number) })]));
    const events = await t.dataSource.query(`SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = 'payout.paid' AND aggregate_id = ?`, [payout.id]);
    expect(Number(events[0].n)).toBe(1);
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should refuse the in-flight account change while a payout waits, and unverified or missing accounts', async () => {
    const f = await bankFarmer();
    await acceptEggs(c.agentA, org.pointA.id, f.id, products, 20);
    const unverified = await bankFarmer(false);
    await acceptEggs(c.agentA, org.pointA.id, unverified.id, products, 20);
    await drainAll(worker);
    const run = await runFor('pay-2');
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    SandboxPayoutProvider.scriptAccount(f.acct, 'UNKNOWN');
    const st = await statementOf(run.id, f.id);
    const p = (await c.admin.post(`/api/v1/statements/${st.id}/payout`).expect(201)).body;
    const change = await c.admin.patch(`/api/v1/farmers/${f.id}`, { payout: { method: 'BANK_CARD', bankName: '农行', accountNumber: account() } });
    expectErrorBody(change.body, 409, 'FARMER_PAYOUT_IN_FLIGHT');
    const st2 = await statementOf(run.id, unverified.id);
    expectErrorBody((await c.admin.post(`/api/v1/statements/${st2.id}/payout`)).body, 422, 'PAYOUT_ACCOUNT_UNVERIFIED');
    await drainAll(worker);
    expect((await c.admin.get(`/api/v1/payouts/${p.id}`).expect(200)).body.status).toBe('PAID');
    expect(SandboxPayoutProvider.timesPaid(p.requestNo)).toBe(1);
    // once paid, the account may change again (and must be verified again)
    const payoutCode = await payoutChangeCode(c.admin, t.dataSource, f.id);
    const ok = await c.admin.patch(`/api/v1/farmers/${f.id}`, { payout: { method: 'BANK_CARD', bankName: '农行', accountNumber: account() }, payoutCode }).expect(200);
    expect(ok.body.payoutVerifiedAt).toBeNull();
  });

  it('should reverse a failed payout: the money returns to the balance and goes into the next run', async () => {
    const f = await bankFarmer();
    await acceptEggs(c.agentA, org.pointA.id, f.id, products, 25); // 5000
    await drainAll(worker);
    const run = await runFor('fail-1');
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    SandboxPayoutProvider.scriptAccount(f.acct, 'FAIL');
    const st = await statementOf(run.id, f.id);
    const p = (await c.admin.post(`/api/v1/settlement-runs/${run.id}/payouts`).expect(200)).body;
    expect(p.errors).toEqual([]);
    await drainAll(worker);
    const payout = (await c.admin.get(`/api/v1/statements/${st.id}/payout`).expect(200)).body.payout;
    expect(payout.status).toBe('FAILED');
    expect((await c.admin.get(`/api/v1/statements/${st.id}`).expect(200)).body.status).toBe('PAYOUT_FAILED');
    expect((await c.admin.get(`/api/v1/farmers/${f.id}/money`).expect(200)).body).toEqual(expect.objectContaining({ balanceFen: 5000, pendingFen: 5000, paidFen: 0 }));
    const ledger = (await c.admin.get(`/api/v1/farmers/${f.id}/ledger`).expect(200)).body;
    expect(ledger.lines.map((l: { kind: string; amountFen: number }) => [l.kind, l.amountFen])).toEqual([['EARNING', 5000], ['PAYOUT', -5000], ['PAYOUT_REVERSAL', 5000]]);
    expect(ledger.closingBalanceFen).toBe(5000);
    const failed = await t.dataSource.query(`SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = 'payout.failed' AND aggregate_id = ?`, [payout.id]);
    expect(Number(failed[0].n)).toBe(1);
    const next = await runFor('fail-2');
    const again = await statementOf(next.id, f.id);
    expect(again).toEqual(expect.objectContaining({ totalFen: 5000, itemCount: 1 }));
    await assertNoEntryInTwoStatements(t.dataSource, org.company.id);
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should pay cash at the point only with the farmer confirmation, recorded by the point agent', async () => {
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
    await acceptEggs(c.agentA, org.pointA.id, f, products, 15);
    await drainAll(worker);
    const run = await runFor('cash-1');
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    const st = await statementOf(run.id, f);
    const p = (await c.admin.post(`/api/v1/statements/${st.id}/payout`).expect(201)).body;
    expect(p).toEqual(expect.objectContaining({ channel: 'CASH', status: 'AWAITING_HANDOVER', amountFen: 3000 }));
    const [ev] = await t.dataSource.query(`SELECT payload FROM outbox_event WHERE event_type = 'payout.cash_code_issued' AND aggregate_id = ?`, [p.id]);
    const code = (typeof ev.payload === 'string' ? JSON.parse(ev.payload) : ev.payload).code as string;
    expectErrorBody((await c.agentA.post(`/api/v1/payouts/${p.id}/cash-handover`, {})).body, 422, 'CASH_CONFIRMATION_REQUIRED');
    expectErrorBody((await c.agentB.post(`/api/v1/payouts/${p.id}/cash-handover`, { smsCode: code })).body, 404);
    expectErrorBody((await c.agentA.post(`/api/v1/payouts/${p.id}/cash-handover`, { smsCode: code === '123456' ? '654321' : '123456' })).body, 422, 'CASH_CODE_WRONG');
    const done = await c.agentA.post(`/api/v1/payouts/${p.id}/cash-handover`, { smsCode: code }).expect(200);
    expect(done.body).toEqual(expect.objectContaining({ status: 'PAID', confirmationKind: 'SMS_CODE' }));
    expectErrorBody((await c.agentA.post(`/api/v1/payouts/${p.id}/cash-handover`, { signatureRef: 'sig/abc.png' })).body, 409, 'PAYOUT_NOT_AWAITING_HANDOVER');
    expect((await c.agentA.get(`/api/v1/farmers/${f}/money`).expect(200)).body).toEqual(expect.objectContaining({ balanceFen: 0, paidFen: 3000 }));
  });

  it('should answer what we owe each farmer, in the caller scope', async () => {
    const owed = await c.admin.get('/api/v1/settlement/owed?limit=200').expect(200);
    expect(owed.body.items.every((i: { balanceFen: number }) => i.balanceFen !== 0)).toBe(true);
    expect(owed.body.items.length).toBeGreaterThan(0);
    const agentB = await c.agentB.get('/api/v1/settlement/owed').expect(200);
    expect(agentB.body.items).toEqual([]);
  });
});
