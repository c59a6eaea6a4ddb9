import request from 'supertest';
import { createTestApp, TestApp } from '../setup/app';
import { BASE_TEST_ENV } from '../setup/test-env';

/** bull-board at /admin/queues: basic auth with QUEUE_DASHBOARD_USER / QUEUE_DASHBOARD_PASSWORD. */
describe('Queue dashboard (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(() => t.close());

  const auth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('should refuse without or with wrong credentials', async () => {
    const none = await request(t.http).get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Basic');
    expect((await request(t.http).get('/admin/queues/api/queues').set('Authorization', auth(BASE_TEST_ENV.QUEUE_DASHBOARD_USER, 'wrong-password-123'))).status).toBe(401);
    expect((await request(t.http).get('/admin/queues').set('Authorization', 'Bearer x')).status).toBe(401);
  });

  it('should serve the dashboard and list our queues with the credentials', async () => {
    const a = auth(BASE_TEST_ENV.QUEUE_DASHBOARD_USER, BASE_TEST_ENV.QUEUE_DASHBOARD_PASSWORD);
    const page = await request(t.http).get('/admin/queues').set('Authorization', a);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const api = await request(t.http).get('/admin/queues/api/queues').set('Authorization', a).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['domain-events', 'payouts', 'sms', 'timed-jobs']);
  });
});
