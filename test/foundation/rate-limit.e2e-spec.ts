import request from 'supertest';
import { createTestApp, TestApp } from '../setup/app';
import { expectErrorBody } from '../support/http';
import { clearRateLimits } from '../support/rate-limits';
import { freePort, TcpProxy } from '../support/tcp-proxy';

/**
 * The login limit (per client IP and minute) is counted in Redis, so it holds across API processes and
 * servers; while Redis is unreachable each process counts alone and logins keep working.
 */
describe('Rate limits on auth routes (e2e)', () => {
  const saved = { limit: process.env.AUTH_RATE_LIMIT_PER_MINUTE, port: process.env.REDIS_PORT };
  const attempt = (t: TestApp) => request(t.http).post('/api/v1/auth/login').send({ username: 'someone', password: 'wrong-password' });
  const apps: TestApp[] = [];
  let proxy: TcpProxy | null = null;
  const app = async (env: Record<string, string> = {}) => {
    Object.assign(process.env, { AUTH_RATE_LIMIT_PER_MINUTE: '3', ...env });
    try {
      const t = await createTestApp();
      apps.push(t);
      return t;
    } finally {
      process.env.AUTH_RATE_LIMIT_PER_MINUTE = saved.limit;
      process.env.REDIS_PORT = saved.port;
    }
  };

  beforeEach(() => clearRateLimits());
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
    await proxy?.stop(); // a listening proxy would keep this jest worker from exiting
    proxy = null;
    await clearRateLimits(); // no block left for the next files of this jest worker
  });

  it('should answer 429 with Retry-After once a client exceeds the login limit', async () => {
    const t = await app();
    for (let i = 0; i < 3; i++) expect((await attempt(t)).status).toBe(401);
    const limited = await attempt(t);
    expect(limited.status).toBe(429);
    expectErrorBody(limited.body, 429, 'TOO_MANY_REQUESTS');
    expect(limited.headers['retry-after']).toBeDefined();
    // Other routes are not limited by it.
    await request(t.http).get('/health').expect(200);
  });

  it('should hold one limit for a client across two API processes', async () => {
    const [a, b] = [await app(), await app()];
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    expect((await attempt(a)).status).toBe(401);
    // the fourth attempt, wherever it lands, is over the limit of 3
    expect((await attempt(b)).status).toBe(429);
    expect((await attempt(a)).status).toBe(429);
  });

  it('should keep logins working, limited per process, while Redis is unreachable', async () => {
    proxy = new TcpProxy(await freePort(), Number(saved.port ?? 6379));
    await proxy.start();
    const t = await app({ REDIS_PORT: String(proxy.port) });
    await proxy.stop();
    try {
      for (let i = 0; i < 3; i++) expect((await attempt(t)).status).toBe(401);
      expect((await attempt(t)).status).toBe(429);
    } finally {
      await proxy.start(); // so the app can close its queues
    }
  });
});
