process.env.PAYOUT_BACKOFF_MS = '50';
import { INestApplicationContext } from '@nestjs/common';
import { businessDay } from '../../src/common/business-day';
import { SandboxPayoutProvider } from '../../src/payouts/sandbox-payout.adapter';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { acceptEggs, drainAll } from '../support/ledger';
import { drainSms, startWorker } from '../support/worker';
import { LedgerService } from '../../src/ledger/ledger.service';
import { SaleChannel } from '../../src/ledger/ledger.enums';
import { NOTIFICATION_TIMED_JOBS } from '../../src/notifications/sales-digest.timed-jobs';
import { TimedJobsRegistry } from '../../src/scheduling/timed-jobs.registry';
import { postSaleEarning } from '../support/farmer-app';

/** Payout SMS (paid, failed, cash hand-over code): one message per event, idempotent on redelivery. */
describe('Payout and money SMS (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;
  let products: TestProducts;
  let seq = 0;
  const account = () => `62220213${String(Date.now()).slice(-7)}${String(seq++).padStart(4, '0')}`;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
    products = await createTestProducts(c.admin);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const messages = (farmerId: string, template: string) => t.dataSource.query(
    'SELECT recipient_phone, body, status, params, source_key FROM sms_message WHERE farmer_id = ? AND template = ? ORDER BY id', [farmerId, template]);
  const approvedStatement = async (farmerId: string, periodKey: string) => {
    const run = (await c.admin.post('/api/v1/settlement-runs', { throughDay: businessDay(new Date()), periodKey })).body;
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    const page = await c.admin.get(`/api/v1/settlement-runs/${run.id}/statements?limit=200`).expect(200);
    return page.body.items.find((s: { farmerId: string }) => s.farmerId === farmerId);
  };
  const bankFarmer = async (extra: Record<string, unknown> = {}) => {
    const acct = account();
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, {
      payout: { method: 'BANK_CARD', bankName: '桃江农商银行', accountNumber: acct }, ...extra,
    })).expect(201)).body;
    await c.admin.post(`/api/v1/farmers/${f.id}/payout-verification`).expect(200);
    return { id: f.id as string, phone: f.phone as string, acct };
  };

  it('should tell the farmer (and family phone) a payout was paid: yuan with two decimals, method and period, once', async () => {
    const f = await bankFarmer({ familyPhone: '13600000021' });
    await acceptEggs(c.agentA, org.pointA.id, f.id, products, 21); // 4200 fen
    await drainAll(worker);
    const st = await approvedStatement(f.id, '2025-06A');
    await c.admin.post(`/api/v1/statements/${st.id}/payout`).expect(201);
    await drainAll(worker);
    await drainSms(worker);
    const sent = await messages(f.id, 'PAYOUT_PAID');
    expect(sent.map((m: { recipient_phone: string }) => m.recipient_phone).sort()).toEqual([f.phone, '13600000021'].sort());
    expect(sent[0].body).toBe('吴金兰您好，2025-06A货款42.00元已通过银行卡支付，请查收。');
    expect(sent.every((m: { status: string }) => m.status === 'SENT')).toBe(true);
    // a redelivered event finds its rows
    await t.dataSource.query(`UPDATE outbox_event SET status = 'PENDING' WHERE event_type = 'payout.paid' AND aggregate_id IN (SELECT id FROM payout WHERE farmer_id = ?)`, [f.id]);
    await drainSms(worker);
    expect(await messages(f.id, 'PAYOUT_PAID')).toHaveLength(2);
  });

  it('should tell the farmer a payout failed, with the reason, and respect the lack of consent', async () => {
    const f = await bankFarmer();
    const quiet = await bankFarmer({ smsConsent: false });
    for (const x of [f, quiet]) {
      await acceptEggs(c.agentA, org.pointA.id, x.id, products, 10);
      SandboxPayoutProvider.scriptAccount(x.acct, 'FAIL');
    }
    await drainAll(worker);
    const period = `fail-${f.id}`;
    const st = await approvedStatement(f.id, period);
    const run = st.runId;
    await c.admin.post(`/api/v1/settlement-runs/${run}/payouts`).expect(200);
    await drainAll(worker);
    await drainSms(worker);
    const [m] = await messages(f.id, 'PAYOUT_FAILED');
    expect(m.body).toBe(`吴金兰您好，fail-${f.id}货款20.00元支付未成功（收款账户异常），请联系服务点。`);
    const [skipped] = await messages(quiet.id, 'PAYOUT_FAILED');
    expect(skipped.status).toBe('SKIPPED');
  });

  it('should send the cash hand-over code to the farmer only, even without consent, and the code pays the cash', async () => {
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { smsConsent: false, familyPhone: '13600000022' })).expect(201)).body;
    await acceptEggs(c.agentA, org.pointA.id, f.id, products, 15);
    await drainAll(worker);
    const st = await approvedStatement(f.id, 'cash-sms');
    const p = (await c.admin.post(`/api/v1/statements/${st.id}/payout`).expect(201)).body;
    await drainSms(worker);
    const codes = await messages(f.id, 'PAYOUT_CASH_CODE');
    expect(codes.map((m: { recipient_phone: string; status: string }) => [m.recipient_phone, m.status])).toEqual([[f.phone, 'SENT']]);
    expect(codes[0].body).toMatch(/^吴金兰您好，30\.00元货款请到.+领取现金，领取时向代办员出示验证码\d{6}，请勿告诉他人。$/);
    await c.agentA.post(`/api/v1/payouts/${p.id}/cash-handover`, { smsCode: codes[0].params.code }).expect(200);
    await drainSms(worker);
    const [paid] = await messages(f.id, 'PAYOUT_PAID');
    expect(paid.status).toBe('SKIPPED'); // no consent: the paid notice is not sent
  });

  it('should send one daily digest per farmer with the day total by channel, and nothing twice on a rerun', async () => {
    const a = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
    const b = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
    const idle = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
    await acceptEggs(c.agentA, org.pointA.id, a.id, products, 10); // 2000
    await acceptEggs(c.agentA, org.pointA.id, a.id, products, 5); // 1000
    await drainAll(worker);
    await postSaleEarning(t.dataSource, t.app.get(LedgerService), { companyId: org.company.id, farmerId: a.id, amountFen: 1234, channel: SaleChannel.STORE });
    await postSaleEarning(t.dataSource, t.app.get(LedgerService), { companyId: org.company.id, farmerId: b.id, amountFen: 500, channel: SaleChannel.LIVESTREAM });
    const job = worker.get(TimedJobsRegistry).get(NOTIFICATION_TIMED_JOBS.SALES_DIGEST)!;
    expect(job.cron).toBe('0 20 * * *');
    const slot = new Date();
    await job.run(slot);
    await job.run(slot);
    await drainSms(worker);
    const [da] = await messages(a.id, 'SALES_DIGEST');
    const day = businessDay(slot);
    expect(da.source_key).toBe(`digest:${a.id}:${day}`);
    const md = `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
    expect(da.body).toBe(`${md}您共收入42.34元：服务点收购2笔30.00元、门店售出1笔12.34元。回复YE查余额。`);
    expect(await messages(a.id, 'SALES_DIGEST')).toHaveLength(1);
    expect((await messages(b.id, 'SALES_DIGEST'))[0].body).toBe(`${md}您共收入5.00元：直播售出1笔5.00元。回复YE查余额。`);
    expect(await messages(idle.id, 'SALES_DIGEST')).toHaveLength(0);
  });
});
