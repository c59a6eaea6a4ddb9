process.env.PAYOUT_BACKOFF_MS = '40';
import { INestApplicationContext } from '@nestjs/common';
import { OutboxService } from '../../src/outbox/outbox.service';
import { SandboxOutcome, SandboxPayoutProvider } from '../../src/payouts/sandbox-payout.adapter';
import { businessDay } from '../../src/common/business-day';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { acceptEggs, assertLedgerInvariants, assertNoEntryInTwoStatements, drainAll, publishChargeback } from '../support/ledger';
import { startWorker } from '../support/worker';

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed with PROPERTY_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.PROPERTY_STEPS ?? 60);
const OUTCOMES: SandboxOutcome[] = ['SUCCEED', 'SUCCEED', 'FAIL', 'UNKNOWN', 'CRASH_AFTER_PAY', 'THROW_BEFORE_PAY'];

/**
 * Random sequences of intake, acceptance, QC corrections, chargebacks, settlement runs (single, two
 * at once, retried, concurrent with postings) and payouts (succeeding, failing, unknown, crashing
 * after the provider paid, double-clicked), through the real API and the real worker. After every
 * step: the ledger sums to zero, every balance equals its entries, every posting balances, no entry
 * is in two statements, every statement's items sum to its total, no request number is paid more than
 * once, and every farmer was paid exactly what the ledger says was paid out.
 */
describe(`Settlement property test (seed ${SEED}, replay with PROPERTY_SEED=${SEED})`, () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  const farmers: Array<{ id: string; acct: string }> = [];
  const accepted: string[] = [];
  let runSeq = 0;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    for (let i = 0; i < 5; i++) {
      const acct = `6217${String(SEED).padStart(10, '0').slice(-10)}${i}${String(Date.now()).slice(-3)}`;
      const id = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, {
        payout: { method: 'BANK_CARD', bankName: '桃江农商银行', accountNumber: acct },
      })).expect(201)).body.id;
      await c.admin.post(`/api/v1/farmers/${id}/payout-verification`).expect(200);
      farmers.push({ id, acct });
    }
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  async function checkInvariants(): Promise<void> {
    const ds = t.dataSource;
    await assertLedgerInvariants(ds, org.company.id);
    await assertNoEntryInTwoStatements(ds, org.company.id);
    const mismatched = await ds.query(
      `SELECT s.id FROM payout_statement s WHERE s.company_id = ? AND s.total_fen <> (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entry e
         WHERE e.account_id = s.account_id AND e.id > s.from_entry_id AND e.id <= s.through_entry_id AND e.kind <> 'PAYOUT')`, [org.company.id]);
    expect(mismatched).toEqual([]);
    const payouts = await ds.query('SELECT farmer_id, request_no, amount_fen, status FROM payout WHERE company_id = ?', [org.company.id]) as Array<{ farmer_id: string; request_no: string; amount_fen: string; status: string }>;
    for (const p of payouts) {
      const times = SandboxPayoutProvider.timesPaid(p.request_no);
      expect(times).toBeLessThanOrEqual(1);
      // After draining nothing is left in flight, and our record agrees with the provider's.
      expect(p.status).toBe(times === 1 ? 'PAID' : 'FAILED');
    }
    for (const f of farmers) {
      const [ledger] = await ds.query(
        `SELECT COALESCE(-SUM(e.amount_fen), 0) AS paid_out FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
         WHERE a.company_id = ? AND a.owner_type = 'FARMER' AND a.owner_id = ? AND e.kind IN ('PAYOUT', 'PAYOUT_REVERSAL')`, [org.company.id, f.id]);
      const providerPaid = payouts.filter((p) => String(p.farmer_id) === f.id && SandboxPayoutProvider.timesPaid(p.request_no) === 1)
        .reduce((s, p) => s + Number(p.amount_fen), 0);
      expect(providerPaid).toBe(Number(ledger.paid_out));
    }
  }

  const settle = (periodKey: string) => c.admin.post('/api/v1/settlement-runs', { throughDay: businessDay(new Date()), periodKey });

  it('should keep every invariant through a random sequence of steps', async () => {
    const rnd = prng(SEED);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
    const log: string[] = [];
    try {
      for (let step = 0; step < STEPS; step++) {
        const r = rnd();
        if (r < 0.3) {
          const f = pick(farmers);
          const { consignmentId } = await acceptEggs(c.agentA, org.pointA.id, f.id, products, 5 + Math.floor(rnd() * 56));
          accepted.push(consignmentId);
          log.push(`accept ${f.id}`);
        } else if (r < 0.38 && accepted.length) {
          const cons = accepted.splice(Math.floor(rnd() * accepted.length), 1)[0];
          const qty = (await c.agentA.get(`/api/v1/consignments/${cons}`).expect(200)).body.lines[0].quantityBase;
          await c.agentA.post(`/api/v1/consignments/${cons}/lines/1/qc-corrections`, {
            reason: '复检更正', accepted: [{ gradeCode: 'B', quantity: qty }], rejected: [], checklist: { cracks: true, dirt: true, size: true },
          }).expect(201);
          log.push(`correct ${cons}`);
        } else if (r < 0.48) {
          const f = pick(farmers);
          await publishChargeback(t.dataSource, t.app.get(OutboxService), { companyId: org.company.id, farmerId: f.id, productId: products.egg.id, amountFen: 50 + Math.floor(rnd() * 800) });
          log.push(`chargeback ${f.id}`);
        } else if (r < 0.72) {
          const mode = pick(['single', 'twice-same', 'two-periods', 'retry', 'during-intake']);
          const key = `prop-${SEED}-${++runSeq}`;
          if (mode === 'single') await settle(key);
          if (mode === 'twice-same') {
            const [a, b] = await Promise.all([settle(key), settle(key)]);
            expect(a.body.id).toBe(b.body.id);
          }
          if (mode === 'two-periods') await Promise.all([settle(key), settle(`${key}-b`)]);
          if (mode === 'retry') {
            const a = await settle(key);
            const b = await settle(key);
            expect(b.status).toBe(200);
            expect(b.body.id).toBe(a.body.id);
          }
          if (mode === 'during-intake') {
            // postings in flight (events handled by the worker right now) while the run claims entries
            await Promise.all([acceptEggs(c.agentA, org.pointA.id, pick(farmers).id, products, 20), settle(key), drainAll(worker)]);
          }
          log.push(`run ${mode}`);
        } else {
          const runs = await t.dataSource.query(`SELECT id FROM settlement_run WHERE company_id = ? AND status = 'READY'`, [org.company.id]);
          for (const run of runs) await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
          const statements = await t.dataSource.query(
            `SELECT s.id FROM payout_statement s LEFT JOIN payout p ON p.statement_id = s.id WHERE s.company_id = ? AND s.status = 'APPROVED' AND p.id IS NULL`, [org.company.id]);
          for (const s of statements) SandboxPayoutProvider.scriptRequest(`VCP${String(s.id).padStart(14, '0')}`, pick(OUTCOMES));
          // pay each statement twice at once (a double click, two admins): one payout each
          await Promise.all(statements.flatMap((s: { id: string }) => [c.admin.post(`/api/v1/statements/${s.id}/payout`), c.admin.post(`/api/v1/statements/${s.id}/payout`)]));
          log.push(`pay ${statements.length}`);
        }
        await drainAll(worker);
        await checkInvariants();
      }
    } catch (err) {
      process.stderr.write(`property test failed with PROPERTY_SEED=${SEED} after steps: ${log.join(' | ')}\n`);
      throw err;
    }
    const [stats] = await t.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM payout_statement WHERE company_id = ?) AS statements, (SELECT COUNT(*) FROM payout WHERE company_id = ?) AS payouts`,
      [org.company.id, org.company.id]);
    process.stdout.write(`property test seed ${SEED}: ${log.join(' | ')}; ${stats.statements} statements, ${stats.payouts} payouts\n`);
    expect(Number(stats.payouts)).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
