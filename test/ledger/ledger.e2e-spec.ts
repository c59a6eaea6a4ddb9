import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { OutboxService } from '../../src/outbox/outbox.service';
import { DomainEventHandlers } from '../../src/outbox/domain-event-handlers';
import { inTransaction } from '../../src/database/transaction';
import { AccountOwnerType, AccountType } from '../../src/ledger/ledger.enums';
import { LedgerService } from '../../src/ledger/ledger.service';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { acceptEggs, assertLedgerInvariants, farmerEntries, publishChargeback } from '../support/ledger';
import { drainEvents, startWorker } from '../support/worker';

describe('Ledger: postings from intake and warehouse events, commission, adjustments, reconciliation (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    farmerId = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should post an earning with commission and collective share per the rule in force, once however often delivered', async () => {
    await c.admin.post('/api/v1/commission-rules', {
      productId: products.egg.id, channel: 'PURCHASE', agentMode: 'PER_UNIT', agentFenPerUnit: 5, unitSizeBase: 1, collectiveBasisPoints: 200,
      effectiveFrom: new Date(Date.now() - 86400_000).toISOString(),
    }).expect(201);
    const preview = await c.agentA.post('/api/v1/commission-rules/preview', { productId: products.egg.id, quantityBase: 30, amountFen: 6000 }).expect(200);
    expect(preview.body).toEqual(expect.objectContaining({ farmerAmountFen: 6000, agentCommissionFen: 150, collectiveShareFen: 120 }));

    const { gradeId } = await acceptEggs(c.agentA, org.pointA.id, farmerId, products, 30);
    await drainEvents(worker);
    expect(await farmerEntries(t.dataSource, org.company.id, farmerId)).toEqual([['EARNING', 6000]]);
    const agentAcc = await t.dataSource.query(`SELECT balance_fen FROM ledger_account WHERE company_id = ? AND owner_type = 'AGENT' AND owner_id = ?`, [org.company.id, org.users.agentA.id]);
    expect(Number(agentAcc[0].balance_fen)).toBe(150);
    const collective = await t.dataSource.query(`SELECT balance_fen FROM ledger_account WHERE company_id = ? AND owner_type = 'VILLAGE_COLLECTIVE' AND owner_id = ?`, [org.company.id, org.regions.villageA.id]);
    expect(Number(collective[0].balance_fen)).toBe(120);

    // The same event delivered again (at-least-once): nothing more is posted.
    const [event] = await t.dataSource.query(`SELECT id, payload, created_at FROM outbox_event WHERE event_type = 'consignment.line_accepted' AND JSON_VALUE(payload, '$.sourceKey') = ?`, [`qc-grade:${gradeId}`]);
    const job = { outboxId: String(event.id), eventType: 'consignment.line_accepted', aggregateType: 'consignment', aggregateId: '0', payload: typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload, occurredAt: new Date().toISOString() };
    await Promise.all([1, 2, 3].map(() => worker.get(DomainEventHandlers).dispatch(job)));
    expect(await farmerEntries(t.dataSource, org.company.id, farmerId)).toEqual([['EARNING', 6000]]);
    const posted = await t.dataSource.query(`SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = 'ledger.earning_posted' AND JSON_VALUE(payload, '$.sourceKey') = ?`, [`qc-grade:${gradeId}`]);
    expect(Number(posted[0].n)).toBe(1);
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should reverse an acceptance replaced by a QC correction with a reversing posting, never an edit', async () => {
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
    const { consignmentId } = await acceptEggs(c.agentA, org.pointA.id, f, products, 10);
    await c.agentA.post(`/api/v1/consignments/${consignmentId}/lines/1/qc-corrections`, {
      reason: '复检：实为二级', accepted: [{ gradeCode: 'B', quantity: 10 }], rejected: [], checklist: { cracks: true, dirt: true, size: true },
    }).expect(201);
    await drainEvents(worker);
    const entries = await farmerEntries(t.dataSource, org.company.id, f);
    expect(entries).toEqual(expect.arrayContaining([['EARNING', 2000], ['REVERSAL', -2000], ['EARNING', 1500]]));
    expect(entries).toHaveLength(3);
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should post a warehouse chargeback against the farmer once', async () => {
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
    const id = await publishChargeback(t.dataSource, t.app.get(OutboxService), { companyId: org.company.id, farmerId: f, productId: products.egg.id, amountFen: 450 });
    await publishChargeback(t.dataSource, t.app.get(OutboxService), { companyId: org.company.id, farmerId: f, productId: products.egg.id, amountFen: 450, chargebackId: id });
    await drainEvents(worker);
    expect(await farmerEntries(t.dataSource, org.company.id, f)).toEqual([['CHARGEBACK', -450]]);
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should take manual adjustments from admins only, with a reason, once per client id', async () => {
    const body = { clientId: randomUUID(), farmerId, amountFen: -300, reason: '多付运费退回 overpaid freight' };
    expectErrorBody((await c.agentA.post('/api/v1/ledger/adjustments', body)).body, 403);
    expectErrorBody((await c.admin.post('/api/v1/ledger/adjustments', { ...body, reason: undefined })).body, 400, 'VALIDATION_FAILED');
    expectErrorBody((await c.admin.post('/api/v1/ledger/adjustments', { ...body, amountFen: 0 })).body, 422, 'ADJUSTMENT_ZERO');
    expectErrorBody((await c.admin.post('/api/v1/ledger/adjustments', { ...body, amountFen: 1.5 })).body, 400, 'VALIDATION_FAILED');
    const other = await createTestOrg(t.dataSource);
    const foreign = await t.dataSource.query('SELECT id FROM farmer WHERE company_id <> ? LIMIT 1', [org.company.id]);
    if (foreign.length) expectErrorBody((await c.admin.post('/api/v1/ledger/adjustments', { ...body, farmerId: String(foreign[0].id) })).body, 404, 'FARMER_NOT_FOUND');
    expect(other.company.id).not.toBe(org.company.id);
    const before = await farmerEntries(t.dataSource, org.company.id, farmerId);
    const first = await c.admin.post('/api/v1/ledger/adjustments', body).expect(201);
    const again = await c.admin.post('/api/v1/ledger/adjustments', body).expect(201);
    expect(again.body).toEqual({ postingId: first.body.postingId, created: false });
    expect(await farmerEntries(t.dataSource, org.company.id, farmerId)).toEqual([...before, ['ADJUSTMENT', -300]]);
    const audit = await t.dataSource.query(`SELECT reason FROM audit_log WHERE entity_type = 'ledger_posting' AND entity_id = ?`, [first.body.postingId]);
    expect(audit).toEqual([{ reason: body.reason }]);
  });

  it('should find an account that another transaction created and committed after this one began', async () => {
    // Two stores selling at once to a farmer's first sale: both create the farmer's account; the later
    // one's snapshot predates the other's commit, so its plain read cannot see the row it was refused.
    const newFarmer = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id as string;
    const ledger = t.app.get(LedgerService);
    const owner = { ownerType: AccountOwnerType.FARMER, ownerId: newFarmer, accountType: AccountType.FARMER_PAYABLE };
    const key = `${owner.ownerType}:${owner.ownerId}:${owner.accountType}`;
    const later = t.dataSource.createQueryRunner();
    await later.connect();
    await later.startTransaction();
    try {
      await later.query('SELECT COUNT(*) AS n FROM ledger_account WHERE company_id = ?', [org.company.id]); // its snapshot
      const created = await inTransaction(t.dataSource, (em) => ledger.accountsFor(em, org.company.id, [owner]));
      const seen = await ledger.accountsFor(later.manager, org.company.id, [owner]);
      expect(seen.get(key)).toBe(created.get(key));
      expect(seen.get(key)).toMatch(/^\d+$/);
    } finally {
      await later.rollbackTransaction();
      await later.release();
    }
    const rows = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ledger_account WHERE company_id = ? AND owner_type = 'FARMER' AND owner_id = ?`, [org.company.id, newFarmer]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('should reconcile, and alert when a maintained balance drifts from its entries', async () => {
    const ok = await c.admin.post('/api/v1/ledger/reconciliation').expect(200);
    expect(ok.body).toEqual(expect.objectContaining({ ok: true, ledgerTotalFen: 0, balancesTotalFen: 0, mismatchedAccounts: [], unbalancedPostings: [] }));
    expectErrorBody((await c.agentA.post('/api/v1/ledger/reconciliation')).body, 403);
    // Simulate corruption: someone edits a balance behind the ledger's back.
    const [acc] = await t.dataSource.query(`SELECT id FROM ledger_account WHERE company_id = ? AND owner_type = 'FARMER' AND owner_id = ?`, [org.company.id, farmerId]);
    await t.dataSource.query('UPDATE ledger_account SET balance_fen = balance_fen + 1 WHERE id = ?', [acc.id]);
    try {
      const bad = await c.admin.post('/api/v1/ledger/reconciliation').expect(200);
      expect(bad.body.ok).toBe(false);
      expect(bad.body.mismatchedAccounts).toEqual([expect.objectContaining({ accountId: String(acc.id) })]);
      const alerts = await t.dataSource.query(`SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = 'ledger.reconciliation_failed' AND aggregate_id = ?`, [org.company.id]);
      expect(Number(alerts[0].n)).toBe(1);
    } finally {
      await t.dataSource.query('UPDATE ledger_account SET balance_fen = balance_fen - 1 WHERE id = ?', [acc.id]);
    }
  });
});
