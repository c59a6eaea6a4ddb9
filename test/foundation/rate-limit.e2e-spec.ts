import request from 'supertest';
import { createTestApp, TestApp } from '../setup/app';
import { expectErrorBody } from '../support/http';

describe('Rate limits on auth routes (e2e)', () => {
  let t: TestApp;
  const saved = process.env.AUTH_RATE_LIMIT_PER_MINUTE;

  beforeAll(async () => {
    process.env.AUTH_RATE_LIMIT_PER_MINUTE = '3';
    t = await createTestApp();
  });
  afterAll(async () => {
    process.env.AUTH_RATE_LIMIT_PER_MINUTE = saved;
    await t.close();
  });

  it('should answer 429 with Retry-After once a client exceeds the login limit', async () => {
    const attempt = () => request(t.http).post('/api/v1/auth/login').send({ username: 'someone', password: 'wrong-password' });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expectErrorBody(limited.body, 429, 'TOO_MANY_REQUESTS');
    expect(limited.headers['retry-after']).toBeDefined();
    // Other routes are not limited by it.
    await request(t.http).get('/health').expect(200);
  });
});
