import request from 'supertest';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { as, expectErrorBody, login } from '../support/http';

describe('HTTP conventions (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    adminToken = (await login(t.http, org.users.admin.username)).accessToken;
  });
  afterAll(() => t.close());

  it('should answer /health and /health/ready with database and redis up', async () => {
    await request(t.http).get('/health').expect(200, { status: 'ok' });
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.details.database.status).toBe('up');
    expect(ready.body.details.redis.status).toBe('up');
    for (const q of ['domain-events', 'timed-jobs', 'sms']) {
      expect(ready.body.details.redis.queues[q]).toEqual(expect.objectContaining({ waiting: expect.any(Number), failed: expect.any(Number) }));
    }
  });

  it('should put a request id on every response, echoing a sane incoming one', async () => {
    const res = await request(t.http).get('/health');
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
    const echoed = await request(t.http).get('/health').set('X-Request-Id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
  });

  it('should answer validation errors with the error body and details per field', async () => {
    const res = await as(t.http, adminToken).post('/api/v1/points', { regionId: 'x', code: 'lower', name: '', address: 'a', contactPhone: '123', openingHours: 'x' });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['regionId', 'code', 'name', 'serviceCenterName', 'contactPhone']));
    expect(res.body.message).toMatch(/请求参数有误/);
    expect(res.body.requestId).toEqual(expect.any(String));
    expect(res.body.details[0]).toEqual({ field: expect.any(String), message: expect.any(String), messageEn: expect.any(String) });
  });

  it('should refuse unknown fields naming them, and change nothing', async () => {
    const before = await t.dataSource.query('SELECT COUNT(*) AS n FROM warehouse WHERE company_id = ?', [org.company.id]);
    const res = await as(t.http, adminToken).post('/api/v1/warehouses', { code: 'WH9', name: '仓', address: '地址', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'isAdmin', message: '不允许的字段' })]);
    const after = await t.dataSource.query('SELECT COUNT(*) AS n FROM warehouse WHERE company_id = ?', [org.company.id]);
    expect(after[0].n).toBe(before[0].n);
  });

  it('should answer unknown routes, malformed JSON and oversize bodies with the error body', async () => {
    const notFound = await as(t.http, adminToken).get('/api/v1/nothing-here');
    expect(notFound.status).toBe(404);
    expectErrorBody(notFound.body, 404);
    const badJson = await request(t.http).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"username":');
    expect(badJson.status).toBe(400);
    expectErrorBody(badJson.body, 400);
    const huge = await request(t.http).post('/api/v1/auth/login').set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'x'.repeat(3 * 1024 * 1024), password: 'y' }));
    expect(huge.status).toBe(413);
    expectErrorBody(huge.body, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('should serve the OpenAPI document at /docs', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    expect(res.body.paths['/api/v1/auth/login']).toBeDefined();
    expect(res.body.paths['/api/v1/points']).toBeDefined();
  });

  it('should send security headers (helmet)', async () => {
    const res = await request(t.http).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
