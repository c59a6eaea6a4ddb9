import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { farmerBody, testPhone } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { lastCode, loginFarmer, payoutChangeCode, randomIp } from '../support/farmer-app';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { drainSms, startWorker } from '../support/worker';

type Msg = { template: string; recipient_phone: string; status: string; body: string };

/**
 * Changing the payout account needs a fresh SMS code from the farmer's current phone (agent at the
 * counter or the farmer in the app), and the old phone is told of the change.
 */
jest.setTimeout(60_000);

describe('Payout-account change by SMS code (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA' | 'agentB', Caller>;
  const bank = (accountNumber: string) => ({ method: 'BANK_CARD', bankName: '桃江农商银行', accountNumber });

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA, agentB: org.users.agentB });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const newFarmer = async (extra: Record<string, unknown> = {}) =>
    (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, extra)).expect(201)).body as { id: string; phone: string };
  const farmerRow = async (id: string) => (await t.dataSource.query('SELECT phone, payout_method, payout_account_last4 FROM farmer WHERE id = ?', [id]))[0];
  const messagesOf = (farmerId: string, template: string) =>
    t.dataSource.query('SELECT template, recipient_phone, status, body FROM sms_message WHERE farmer_id = ? AND template = ? ORDER BY id', [farmerId, template]) as Promise<Msg[]>;
  const changedEvents = async (farmerId: string) =>
    Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = 'farmer.payout_changed' AND aggregate_id = ?`, [farmerId]))[0].n);

  it('should refuse a payout change without a code or with a wrong, login or reused code, and change nothing', async () => {
    const f = await newFarmer();
    const noCode = await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: bank('6222021234567890123') });
    expectErrorBody(noCode.body, 422, 'PAYOUT_CODE_REQUIRED');

    // A login code of the same phone is not a payout code.
    await request(t.http).post('/api/v1/farmer-auth/code').set('X-Forwarded-For', randomIp()).send({ phone: f.phone }).expect(202);
    const loginCode = await lastCode(t.dataSource, f.phone) as string;
    const withLogin = await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: bank('6222021234567890123'), payoutCode: loginCode });
    expectErrorBody(withLogin.body, 422, 'PAYOUT_CODE_INVALID');

    const sent = await c.agentA.post(`/api/v1/farmers/${f.id}/payout-code`).expect(202);
    expect(sent.body.phoneMasked).toBe(`${f.phone.slice(0, 3)}****${f.phone.slice(-4)}`);
    const [codeRow] = await t.dataSource.query(`SELECT params FROM sms_message WHERE farmer_id = ? AND template = 'PAYOUT_CHANGE_CODE'`, [f.id]);
    const code = codeRow.params.code as string;
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: bank('6222021234567890123'), payoutCode: wrong, name: '改了名' });
    expectErrorBody(bad.body, 422, 'PAYOUT_CODE_INVALID');
    // The wrong try counts (committed although the request failed), and nothing else changed.
    const [stored] = await t.dataSource.query(`SELECT failed_attempts, code_hash FROM sms_login_code WHERE farmer_id = ? AND purpose = 'PAYOUT_CHANGE'`, [f.id]);
    expect(stored.failed_attempts).toBe(1);
    expect(stored.code_hash).not.toContain(code);
    expect(await farmerRow(f.id)).toEqual(expect.objectContaining({ payout_method: 'CASH', payout_account_last4: null }));
    expect((await c.agentA.get(`/api/v1/farmers/${f.id}`).expect(200)).body.name).toBe('吴金兰');
    expect(await changedEvents(f.id)).toBe(0);

    const ok = await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: bank('6222021234567890123'), payoutCode: code }).expect(200);
    expect(ok.body.payout).toEqual({ method: 'BANK_CARD', bankName: '桃江农商银行', accountMasked: '**** **** 0123' });
    // Used once.
    const reused = await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: bank('6222029999999990000'), payoutCode: code });
    expectErrorBody(reused.body, 422, 'PAYOUT_CODE_INVALID');
    expect((await farmerRow(f.id)).payout_account_last4).toBe('0123');
  });

  it('should lock the code after five wrong tries and refuse an expired one', async () => {
    const f = await newFarmer();
    const code = await payoutChangeCode(c.agentA, t.dataSource, f.id);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: { method: 'WECHAT_PAY' }, payoutCode: wrong }).expect(422);
    expectErrorBody((await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: { method: 'WECHAT_PAY' }, payoutCode: code })).body, 422, 'PAYOUT_CODE_INVALID');

    const g = await newFarmer();
    const gCode = await payoutChangeCode(c.agentA, t.dataSource, g.id);
    await t.dataSource.query(`UPDATE sms_login_code SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE farmer_id = ? AND purpose = 'PAYOUT_CHANGE'`, [g.id]);
    expectErrorBody((await c.agentA.patch(`/api/v1/farmers/${g.id}`, { payout: { method: 'WECHAT_PAY' }, payoutCode: gCode })).body, 422, 'PAYOUT_CODE_INVALID');
    expect((await farmerRow(g.id)).payout_method).toBe('CASH');
  });

  it('should tell the old phone of the change at once, even without SMS consent, masked, once; audited masked', async () => {
    const f = await newFarmer({ smsConsent: false, familyPhone: testPhone() });
    const code = await payoutChangeCode(c.agentA, t.dataSource, f.id);
    const newPhone = testPhone();
    await c.agentA.patch(`/api/v1/farmers/${f.id}`, { payout: bank('6222021234567894321'), payoutCode: code, phone: newPhone }).expect(200);
    await drainSms(worker);
    const notices = await messagesOf(f.id, 'PAYOUT_ACCOUNT_CHANGED');
    // To the old phone only (not the new one, not the family phone), sent although the farmer gave no consent.
    expect(notices.map((m) => [m.recipient_phone, m.status])).toEqual([[f.phone, 'SENT']]);
    expect(notices[0].body).toMatch(/^吴金兰您好，您的收款方式已于\d{1,2}月\d{1,2}日\d{2}:\d{2}改为桃江农商银行卡（尾号4321）。/);
    expect(notices[0].body).not.toContain('6222021234567894321');
    // A redelivered event sends nothing again.
    const [event] = await t.dataSource.query(`SELECT id FROM outbox_event WHERE event_type = 'farmer.payout_changed' AND aggregate_id = ?`, [f.id]);
    await t.dataSource.query(`UPDATE outbox_event SET status = 'PENDING' WHERE id = ?`, [event.id]);
    await drainSms(worker);
    expect(await messagesOf(f.id, 'PAYOUT_ACCOUNT_CHANGED')).toHaveLength(1);

    const audit = (await c.admin.get(`/api/v1/audit-logs?entityType=farmer&entityId=${f.id}`).expect(200)).body.items[0];
    expect(audit.reason).toContain(`${f.phone.slice(0, 3)}****${f.phone.slice(-4)}`);
    const text = JSON.stringify(audit);
    expect(text).toContain('4321');
    expect(text).not.toContain('6222021234567894321');
    expect(text).not.toContain(f.phone);
    expect(text).not.toContain(newPhone);
  });

  it('should let a farmer change their own payout in the app with their own code only', async () => {
    const a = await newFarmer();
    const b = await newFarmer();
    const fa = await loginFarmer(t.http, t.dataSource, a.phone);
    const fb = await loginFarmer(t.http, t.dataSource, b.phone);
    await fa.post('/api/v1/me/payout-code').expect(202);
    const again = await fa.post('/api/v1/me/payout-code');
    expectErrorBody(again.body, 429, 'SMS_CODE_RATE_LIMITED');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    const aCode = await lastCode(t.dataSource, a.phone, 'PAYOUT_CHANGE_CODE') as string;
    // B cannot use A's code (nor has one of their own).
    expectErrorBody((await fb.put('/api/v1/me/payout', { payout: { method: 'ALIPAY', accountNumber: '13907375555' }, code: aCode })).body, 422, 'PAYOUT_CODE_INVALID');
    await fb.put('/api/v1/me/payout', { payout: { method: 'ALIPAY', accountNumber: '13907375555' } }).expect(400);
    const mine = await fa.put('/api/v1/me/payout', { payout: { method: 'ALIPAY', accountNumber: '13907375555' }, code: aCode }).expect(200);
    expect(mine.body).toEqual({ payout: { method: 'ALIPAY', bankName: null, accountMasked: '**** **** 5555' }, payoutVerifiedAt: null });
    expect((await farmerRow(b.id)).payout_method).toBe('CASH');
    await drainSms(worker);
    const [notice] = await messagesOf(a.id, 'PAYOUT_ACCOUNT_CHANGED');
    expect([notice.recipient_phone, notice.status]).toEqual([a.phone, 'SENT']);
    expect(notice.body).toContain('支付宝（尾号5555）');
    // Staff routes stay closed to a farmer token, and farmers cannot ask for codes for others.
    expect((await fa.post(`/api/v1/farmers/${b.id}/payout-code`)).status).toBe(403);
  });

  it("should send codes only for farmers the agent can act for (another point's farmer: 404)", async () => {
    const f = await newFarmer();
    expectErrorBody((await c.agentB.post(`/api/v1/farmers/${f.id}/payout-code`)).body, 404, 'FARMER_NOT_FOUND');
    expect(await messagesOf(f.id, 'PAYOUT_CHANGE_CODE')).toHaveLength(0);
    await c.admin.post(`/api/v1/farmers/${f.id}/payout-code`).expect(202);
  });
});
