import { FarmersService } from '../../src/farmers/farmers.service';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { farmerBody, testIdNumber, testPhone } from '../factories/farmer.factory';
import { payoutChangeCode } from '../support/farmer-app';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Farmers (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let otherAdmin: Caller;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    other = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    otherAdmin = (await callersFor(t.http, { admin: other.users.admin })).admin;
  });
  afterAll(() => t.close());

  const body = (extra: Record<string, unknown> = {}) => farmerBody(org.regions.villageA.id, org.pointA.id, extra);

  it('should register a farmer with ID and bank card, returning only the last 4 digits', async () => {
    const idNumber = testIdNumber();
    const res = await c.agentA.post('/api/v1/farmers', body({
      idNumber, hardship: true, payout: { method: 'BANK_CARD', bankName: '桃江农商银行', accountNumber: '6222021234567890123' },
    }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual(expect.objectContaining({
      name: '吴金兰', phoneMasked: false, idNumberLast4: idNumber.slice(-4), hardship: true, active: true,
      payout: { method: 'BANK_CARD', bankName: '桃江农商银行', accountMasked: '**** **** 0123' },
    }));
    expect(JSON.stringify(res.body)).not.toContain(idNumber);
    expect(JSON.stringify(res.body)).not.toContain('6222021234567890123');
  });

  it('should store ID and account numbers encrypted: not readable in the raw table, not in the audit log', async () => {
    const idNumber = testIdNumber();
    const created = await c.agentA.post('/api/v1/farmers', body({
      idNumber, payout: { method: 'ALIPAY', accountNumber: '13907370000' },
    })).expect(201);
    const [row] = await t.dataSource.query('SELECT * FROM farmer WHERE id = ?', [created.body.id]);
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(idNumber);
    expect(raw).not.toContain(idNumber.slice(0, 14));
    expect(raw).not.toContain('13907370000');
    expect(row.id_number_cipher).toMatch(/^v1:/);
    expect(row.id_number_hash).toMatch(/^[0-9a-f]{64}$/);
    const audit = JSON.stringify(await t.dataSource.query("SELECT changes FROM audit_log WHERE entity_type = 'farmer' AND entity_id = ?", [created.body.id]));
    expect(audit).not.toContain(idNumber);
    expect(audit).not.toContain('13907370000');
    // Findable by the full ID number through the blind index only.
    const found = await c.agentA.get(`/api/v1/farmers?idNumber=${idNumber}`).expect(200);
    expect(found.body.items.map((f: { id: string }) => f.id)).toEqual([created.body.id]);
  });

  it('should refuse malformed phone, bad ID check digit, incomplete payout, unknown village (naming the field)', async () => {
    const phone = await c.agentA.post('/api/v1/farmers', body({ phone: '12345678901' }));
    expectErrorBody(phone.body, 400, 'VALIDATION_FAILED');
    expect(phone.body.details[0].field).toBe('phone');
    const id = testIdNumber();
    const wrongCheck = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    const idRes = await c.agentA.post('/api/v1/farmers', body({ idNumber: wrongCheck }));
    expect(idRes.status).toBe(400);
    expect(idRes.body.details[0].field).toBe('idNumber');
    const bank = await c.agentA.post('/api/v1/farmers', body({ payout: { method: 'BANK_CARD', accountNumber: '6222021234567890123' } }));
    expect(bank.status).toBe(400);
    expect(bank.body.details[0].field).toBe('payout.bankName');
    const village = await c.agentA.post('/api/v1/farmers', body({ villageRegionId: org.regions.township.id }));
    expect(village.status).toBe(422);
    expect(village.body.details[0].field).toBe('villageRegionId');
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) n FROM farmer WHERE company_id = ? AND phone = ?', [org.company.id, '12345678901']);
    expect(Number(n)).toBe(0);
  });

  it('should keep phones unique per company but allow the same phone in another company', async () => {
    const phone = testPhone();
    await c.agentA.post('/api/v1/farmers', body({ phone })).expect(201);
    const dup = await c.admin.post('/api/v1/farmers', body({ phone, name: '另一人' }));
    expectErrorBody(dup.body, 409, 'FARMER_PHONE_TAKEN');
    await otherAdmin.post('/api/v1/farmers', farmerBody(other.regions.villageA.id, other.pointA.id, { phone })).expect(201);
  });

  it('should answer 404 when an agent registers or edits at a point not theirs', async () => {
    const res = await c.agentB.post('/api/v1/farmers', body());
    expectErrorBody(res.body, 404, 'POINT_NOT_FOUND');
    const created = await c.agentA.post('/api/v1/farmers', body()).expect(201);
    await c.agentB.patch(`/api/v1/farmers/${created.body.id}`, { name: '改名' }).expect(404);
    await otherAdmin.get(`/api/v1/farmers/${created.body.id}`).expect(404);
    await c.warehouseStaff.get('/api/v1/farmers').expect(403);
    await c.manager.post('/api/v1/farmers', body()).expect(403);
  });

  it('should mask phones to staff outside the farmer point and scope lists', async () => {
    const phone = testPhone();
    const created = await c.agentA.post('/api/v1/farmers', body({ phone, name: '李桂香' })).expect(201);
    // agent B finds the farmer by exact phone (company-wide) but sees the phone masked
    const byPhone = await c.agentB.get(`/api/v1/farmers?phone=${phone}`).expect(200);
    expect(byPhone.body.items).toHaveLength(1);
    expect(byPhone.body.items[0].phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(byPhone.body.items[0].phoneMasked).toBe(true);
    // ... but not by name, and not by id
    expect((await c.agentB.get(`/api/v1/farmers?name=${encodeURIComponent('李桂香')}`).expect(200)).body.items).toEqual([]);
    await c.agentB.get(`/api/v1/farmers/${created.body.id}`).expect(404);
    // agent A, admin: full; manager: masked
    expect((await c.agentA.get(`/api/v1/farmers/${created.body.id}`).expect(200)).body.phone).toBe(phone);
    expect((await c.admin.get(`/api/v1/farmers/${created.body.id}`).expect(200)).body.phone).toBe(phone);
    const mgr = await c.manager.get(`/api/v1/farmers/${created.body.id}`).expect(200);
    expect(mgr.body.phoneMasked).toBe(true);
  });

  it('should find by ID last 4 and page', async () => {
    const idNumber = testIdNumber();
    const created = await c.agentA.post('/api/v1/farmers', body({ idNumber })).expect(201);
    const res = await c.agentA.get(`/api/v1/farmers?idLast4=${idNumber.slice(-4)}`).expect(200);
    expect(res.body.items.map((f: { id: string }) => f.id)).toContain(created.body.id);
    const page = await c.agentA.get('/api/v1/farmers?limit=2').expect(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('should update with an audit entry and deactivate', async () => {
    const created = await c.agentA.post('/api/v1/farmers', body()).expect(201);
    const payoutCode = await payoutChangeCode(c.agentA, t.dataSource, created.body.id);
    const updated = await c.agentA.patch(`/api/v1/farmers/${created.body.id}`, {
      hardship: true, active: false, payout: { method: 'WECHAT_PAY' }, payoutCode,
    }).expect(200);
    expect(updated.body).toEqual(expect.objectContaining({ hardship: true, active: false, payout: { method: 'WECHAT_PAY', bankName: null, accountMasked: null } }));
    const audit = await c.admin.get(`/api/v1/audit-logs?entityType=farmer&entityId=${created.body.id}`).expect(200);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['update', 'create']);
  });

  it('should expose findIdsByPhones and requireFarmerInCompany to other modules', async () => {
    const phone = testPhone();
    const created = await c.agentA.post('/api/v1/farmers', body({ phone })).expect(201);
    const sut = t.app.get(FarmersService);
    const map = await sut.findIdsByPhones(org.company.id, [phone, '13000000000', 'junk']);
    expect([...map.entries()]).toEqual([[phone, created.body.id]]);
    expect((await sut.findIdsByPhones(other.company.id, [phone])).size).toBe(0);
    await expect(sut.requireFarmerInCompany(org.company.id, created.body.id)).resolves.toEqual(expect.objectContaining({ id: created.body.id, companyId: org.company.id }));
    await expect(sut.requireFarmerInCompany(other.company.id, created.body.id)).rejects.toThrow(/not found/);
  });
});
