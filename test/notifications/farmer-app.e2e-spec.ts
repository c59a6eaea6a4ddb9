import { randomInt } from 'crypto';
import request from 'supertest';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { as, Caller, callersFor, expectErrorBody } from '../support/http';

/** Rate-limit windows live in Redis across runs: every test uses fresh IPs. */
const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Farmer login by SMS code and the /me routes: a farmer sees only their own records. */
jest.setTimeout(30_000);

describe('Farmer app: SMS login and /me (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;
  let products: TestProducts;
  const farmers: Array<{ id: string; phone: string; consignmentId: string; parcelCode: string; caller?: Caller }> = [];

  /** The code is only ever in the SMS: read it from the outbox provider's stored message. */
  const lastCode = async (phone: string) => {
    const [row] = await t.dataSource.query(`SELECT params FROM sms_message WHERE recipient_phone = ? AND template = 'LOGIN_CODE' ORDER BY id DESC LIMIT 1`, [phone]);
    return row?.params.code as string | undefined;
  };
  const askCode = (phone: string, ip = '10.0.0.1') => request(t.http).post('/api/v1/farmer-auth/code').set('X-Forwarded-For', ip).send({ phone });
  const loginFarmer = async (phone: string) => {
    await askCode(phone, randomIp()).expect(202);
    const res = await request(t.http).post('/api/v1/farmer-auth/login').send({ phone, code: await lastCode(phone) }).expect(200);
    return as(t.http, res.body.accessToken);
  };

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
    products = await createTestProducts(c.admin);
    for (let i = 0; i < 2; i++) {
      const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
      const cons = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, f.id, products)).expect(201)).body;
      const parcel = (await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival({ recipientPhone: f.phone })).expect(201)).body;
      farmers.push({ id: f.id, phone: f.phone, consignmentId: cons.id, parcelCode: parcel.pickupCode });
    }
    for (const f of farmers) f.caller = await loginFarmer(f.phone);
  });
  afterAll(() => t.close());

  it('should let a farmer log in with the SMS code once, and refuse wrong, reused and exhausted codes', async () => {
    const { phone } = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
    await askCode(phone, randomIp()).expect(202);
    const code = await lastCode(phone) as string;
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await request(t.http).post('/api/v1/farmer-auth/login').send({ phone, code: wrong }).expect(401);
    expectErrorBody(bad.body, 401, 'SMS_CODE_INVALID');
    await request(t.http).post('/api/v1/farmer-auth/login').send({ phone, code }).expect(200);
    await request(t.http).post('/api/v1/farmer-auth/login').send({ phone, code }).expect(401);
    // Five wrong tries lock the code, even the right one afterwards.
    await t.dataSource.query('UPDATE sms_login_code SET failed_attempts = 5 WHERE phone = ?', [phone]);
    await request(t.http).post('/api/v1/farmer-auth/login').send({ phone, code }).expect(401);
  });

  it('should refuse an expired code', async () => {
    const phone = farmers[1].phone;
    await t.dataSource.query(`DELETE FROM sms_login_code WHERE phone = ?`, [phone]);
    await t.dataSource.query(`INSERT INTO sms_login_code (phone, farmer_id, code_hash, expires_at) VALUES (?, ?, REPEAT('0', 64), NOW(3) - INTERVAL 1 SECOND)`, [phone, farmers[1].id]);
    await request(t.http).post('/api/v1/farmer-auth/login').send({ phone, code: '123456' }).expect(401);
  });

  it('should answer an unregistered phone like a registered one, and send nothing', async () => {
    const res = await askCode('13700000001', randomIp()).expect(202);
    expect(res.body.message).toContain('如该号码已登记');
    expect(await lastCode('13700000001')).toBeUndefined();
  });

  it('should rate limit code requests per phone (any IP) and per IP (any phone) with 429 and Retry-After', async () => {
    const { phone } = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
    await askCode(phone, randomIp()).expect(202);
    const again = await askCode(phone, randomIp()).expect(429);
    expectErrorBody(again.body, 429, 'SMS_CODE_RATE_LIMITED');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    const ip = randomIp();
    for (let i = 0; i < 30; i++) await askCode(`137${String(randomInt(1e8)).padStart(8, '0')}`, ip).expect(202);
    const byIp = await askCode(`137${String(randomInt(1e8)).padStart(8, '0')}`, ip).expect(429);
    expect(byIp.headers['retry-after']).toBeDefined();
  });

  it('should show a farmer their own profile, consignments with QC, parcels with pickup codes and the price board', async () => {
    const [a] = farmers;
    const me = await a.caller!.get('/api/v1/me').expect(200);
    expect(me.body).toEqual(expect.objectContaining({ id: a.id, phone: a.phone }));
    const cons = await a.caller!.get('/api/v1/me/consignments').expect(200);
    expect(cons.body.items.map((x: { id: string }) => x.id)).toEqual([a.consignmentId]);
    expect(cons.body.items[0].lines[0]).toHaveProperty('qualityCheck');
    const parcels = await a.caller!.get('/api/v1/me/parcels').expect(200);
    expect(parcels.body.items.map((p: { pickupCode: string }) => p.pickupCode)).toEqual([a.parcelCode]);
    const board = await a.caller!.get('/api/v1/me/price-board').expect(200);
    expect(board.body.items.length).toBeGreaterThan(0);
  });

  it("should never show one farmer another farmer's records, on any /me route", async () => {
    for (const [self, other] of [[farmers[0], farmers[1]], [farmers[1], farmers[0]]]) {
      const me = (await self.caller!.get('/api/v1/me').expect(200)).body;
      expect([me.id, me.phone]).toEqual([self.id, self.phone]);
      const cons = (await self.caller!.get('/api/v1/me/consignments').expect(200)).body.items as Array<{ id: string; farmerId: string }>;
      expect(cons.map((x) => [x.id, x.farmerId])).toEqual([[self.consignmentId, self.id]]);
      const parcels = (await self.caller!.get('/api/v1/me/parcels').expect(200)).body.items as Array<{ pickupCode: string; recipientFarmerId: string }>;
      expect(parcels.map((p) => [p.pickupCode, p.recipientFarmerId])).toEqual([[self.parcelCode, self.id]]);
      const board = JSON.stringify((await self.caller!.get('/api/v1/me/price-board').expect(200)).body);
      expect(board).not.toContain(other.phone);
    }
  });

  it('should refuse a farmer token on staff routes (403) and a staff token on /me (403)', async () => {
    const f = farmers[0].caller!;
    for (const route of ['/api/v1/farmers', `/api/v1/farmers/${farmers[0].id}`, `/api/v1/consignments/${farmers[0].consignmentId}`, `/api/v1/points/${org.pointA.id}/parcels`, '/api/v1/admin/sms-messages']) {
      const res = await f.get(route);
      expect(res.status).toBe(403);
    }
    await c.agentA.get('/api/v1/me').expect(403);
  });
});
