import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { callbackToken, signBody } from '../../src/notifications/sms-callbacks';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { BASE_TEST_ENV } from '../setup/test-env';
import { Caller, callersFor } from '../support/http';
import { drainSms, startWorker } from '../support/worker';

const SECRET = BASE_TEST_ENV.SMS_WEBHOOK_SECRET;

/** Incoming SMS commands and delivery receipts: verified callbacks, idempotent replies through the SMS pipeline. */
describe('SMS webhooks: farmer commands and delivery receipts (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;
  let products: TestProducts;
  let farmer: { id: string; phone: string; receiptNo: string; pickupCode: string };
  let seq = 0;
  const msgId = () => `m-${Date.now()}-${seq++}`;

  const signed = (path: string, body: unknown) => {
    const raw = JSON.stringify(body);
    return request(t.http).post(path).set('Content-Type', 'application/json').set('X-Sms-Signature', signBody(SECRET, raw)).send(raw);
  };
  const inbound = (phone: string, text: string, id = msgId()) => signed('/api/v1/sms/inbound/outbox', { id, phone, text });
  const replies = (phone: string) => t.dataSource.query(
    `SELECT id, template, body, status, source_key, provider_message_id FROM sms_message WHERE recipient_phone = ? AND source_key LIKE 'inbound:%' ORDER BY id`, [phone]);

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
    products = await createTestProducts(c.admin);
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { smsConsent: false })).expect(201)).body;
    const cons = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, f.id, products)).expect(201)).body;
    const parcel = (await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival({ recipientPhone: f.phone })).expect(201)).body;
    farmer = { id: f.id, phone: f.phone, receiptNo: cons.receiptNo, pickupCode: parcel.pickupCode };
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should refuse unsigned, badly signed and wrong-token callbacks with 401', async () => {
    const body = JSON.stringify({ id: msgId(), phone: farmer.phone, text: 'YE' });
    expect((await request(t.http).post('/api/v1/sms/inbound/outbox').set('Content-Type', 'application/json').send(body)).status).toBe(401);
    const bad = await request(t.http).post('/api/v1/sms/inbound/outbox').set('Content-Type', 'application/json').set('X-Sms-Signature', signBody('another-secret-0123456789', body)).send(body);
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('SMS_WEBHOOK_SIGNATURE_INVALID');
    // the signature covers the exact bytes: re-serialized JSON with other spacing fails
    expect((await request(t.http).post('/api/v1/sms/inbound/outbox').set('Content-Type', 'application/json').set('X-Sms-Signature', signBody(SECRET, body)).send(` ${body}`)).status).toBe(401);
    expect((await request(t.http).post('/api/v1/sms/inbound/aliyun').send([])).status).toBe(401);
    expect((await request(t.http).post('/api/v1/sms/inbound/tencent?token=nope').send({})).status).toBe(401);
    expect((await request(t.http).post('/api/v1/sms/receipts/aliyun?token=nope').send([])).status).toBe(401);
    expect((await request(t.http).post('/api/v1/sms/inbound/nokia').send({})).status).toBe(404);
    expect(await replies(farmer.phone)).toHaveLength(0);
  });

  it('should answer 余额/YE once per inbound message, within two segments, even without notice consent', async () => {
    const id = msgId();
    const res = await inbound(farmer.phone, ' ye ', id).expect(200);
    expect(res.body).toEqual(expect.objectContaining({ ok: true, replies: 1, latencyMs: expect.any(Number) }));
    await inbound(farmer.phone, 'YE', id).expect(200); // the provider retries the same message
    const rows = await replies(farmer.phone);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(expect.objectContaining({ template: 'REPLY_TEXT', source_key: `inbound:outbox:${id}` }));
    expect(rows[0].body).toContain('余额0.00元');
    expect(rows[0].body).toContain('暂无打款记录');
    expect([...rows[0].body].length).toBeLessThanOrEqual(134 - '【村级商务服务点】'.length);
  });

  it('should answer 查询, 快递 and 帮助, and help for unknown words', async () => {
    await inbound(farmer.phone, '查询').expect(200);
    await inbound(farmer.phone, 'kd').expect(200);
    await inbound(farmer.phone, '帮助').expect(200);
    await inbound(farmer.phone, '你好').expect(200);
    const rows = (await replies(farmer.phone)).slice(-4);
    expect(rows[0].body).toContain(farmer.receiptNo);
    expect(rows[1].body).toContain(farmer.pickupCode);
    expect(rows.slice(2).map((r: { template: string }) => r.template)).toEqual(['REPLY_HELP', 'REPLY_HELP']);
  });

  it('should give an unknown number a polite reply that reveals nothing', async () => {
    await inbound('13700000077', 'YE').expect(200);
    const [row] = await replies('13700000077');
    expect(row).toEqual(expect.objectContaining({ template: 'REPLY_UNKNOWN_NUMBER', body: '您好，本号码暂未登记，请到村商务服务点办理登记。' }));
  });

  it("should take Aliyun SmsUp and Tencent reply callbacks in their formats with the URL token", async () => {
    const ali = await request(t.http).post(`/api/v1/sms/inbound/aliyun?token=${callbackToken(SECRET, 'aliyun')}`)
      .send([{ phone_number: farmer.phone, content: 'BZ', send_time: '2026-06-01 10:00:00', dest_code: '1234', sequence_id: 987654321 }]).expect(200);
    expect(ali.body).toEqual({ code: 0, msg: '接收成功' });
    const ten = await request(t.http).post(`/api/v1/sms/inbound/tencent?token=${callbackToken(SECRET, 'tencent')}`)
      .send({ extend: '', mobile: farmer.phone, nationcode: '86', sign: '村级商务服务点', text: 'KD', time: 1780000000 }).expect(200);
    expect(ten.body).toEqual({ result: 0, errmsg: 'OK' });
    const keys = (await replies(farmer.phone)).map((r: { source_key: string }) => r.source_key);
    expect(keys).toContain('inbound:aliyun:987654321');
    expect(keys.filter((k: string) => k.startsWith('inbound:tencent:'))).toHaveLength(1);
  });

  it('should record delivery receipts by provider message id, once', async () => {
    await drainSms(worker);
    const [first] = await replies(farmer.phone);
    expect(first.status).toBe('SENT');
    const receipt = [{ providerMessageId: first.provider_message_id, delivered: true }];
    expect((await signed('/api/v1/sms/receipts/outbox', receipt).expect(200)).body.changed).toBe(1);
    expect((await signed('/api/v1/sms/receipts/outbox', receipt).expect(200)).body.changed).toBe(0);
    expect((await replies(farmer.phone))[0].status).toBe('DELIVERED');
    // Aliyun report by BizId, Tencent by SerialNo (sid)
    const [, second, third] = await replies(farmer.phone);
    await t.dataSource.query(`UPDATE sms_message SET provider = 'aliyun', provider_message_id = 'biz-1' WHERE id = ?`, [second.id]);
    await t.dataSource.query(`UPDATE sms_message SET provider = 'tencent', provider_message_id = 'sid-1' WHERE id = ?`, [third.id]);
    await request(t.http).post(`/api/v1/sms/receipts/aliyun?token=${callbackToken(SECRET, 'aliyun')}`)
      .send([{ phone_number: farmer.phone, success: false, err_code: 'MK:0001', biz_id: 'biz-1', out_id: second.id }]).expect(200);
    await request(t.http).post(`/api/v1/sms/receipts/tencent?token=${callbackToken(SECRET, 'tencent')}`)
      .send([{ mobile: farmer.phone, report_status: 'SUCCESS', errmsg: 'DELIVRD', sid: 'sid-1' }]).expect(200);
    const after = await replies(farmer.phone);
    expect([after[1].status, after[2].status]).toEqual(['UNDELIVERED', 'DELIVERED']);
  });
});
