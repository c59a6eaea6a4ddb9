import { randomUUID } from 'crypto';
import request from 'supertest';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { replicaQuery, replicasConfigured } from '../../src/database/read-replica';
import { as, login } from '../support/http';
import { freePort, TcpProxy } from '../support/tcp-proxy';

/**
 * The API keeps no state of its own: two instances on two ports against one database (what a load
 * balancer in front of several servers does) behave as one. Nothing here is shared in process
 * memory — tokens are signed with the shared secret, refresh tokens and idempotency keys live in
 * the database.
 */
describe('Two API instances behind one database (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let urlA: string;
  let urlB: string;
  let org: TestOrg;
  let products: TestProducts;
  let farmerId: string;

  const listen = async (t: TestApp) => {
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  };

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
    [urlA, urlB] = [await listen(a), await listen(b)];
    expect(urlA).not.toBe(urlB);
    org = await createTestOrg(a.dataSource);
    const admin = as(urlA, (await login(urlA, org.users.admin.username)).accessToken);
    products = await createTestProducts(admin);
    farmerId = (await as(urlB, (await login(urlB, org.users.agentA.username)).accessToken)
      .post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id;
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('should accept on one instance an access token issued by the other', async () => {
    const pair = await login(urlA, org.users.agentA.username);
    const me = await as(urlB, pair.accessToken).get('/api/v1/auth/me').expect(200);
    expect(me.body).toEqual(expect.objectContaining({ role: 'AGENT', pointIds: [org.pointA.id] }));
    // and what instance B writes, instance A reads at once
    const listed = await as(urlA, pair.accessToken).get(`/api/v1/farmers/${farmerId}`).expect(200);
    expect(listed.body.id).toBe(farmerId);
  });

  it('should create once when the same idempotent create reaches both instances at the same time', async () => {
    const agent = (await login(urlB, org.users.agentA.username)).accessToken;
    const body = consignmentBody(org.pointA.id, farmerId, products);
    const [ra, rb] = await Promise.all([urlA, urlB].map((url) => as(url, agent).post('/api/v1/consignments', body)));
    expect([ra.status, rb.status].sort()).toEqual([200, 201]);
    expect(ra.body.id).toBe(rb.body.id);
    expect(ra.body.receiptNo).toBe(rb.body.receiptNo);
    const [{ n }] = await a.dataSource.query('SELECT COUNT(*) AS n FROM consignment WHERE client_id = ?', [body.clientId]);
    expect(Number(n)).toBe(1);
    // a late retry to either instance answers the original
    const retry = await as(urlA, agent).post('/api/v1/consignments', body).expect(200);
    expect(retry.body.id).toBe(ra.body.id);
  });

  it('should honour on one instance a refresh-token rotation made on the other', async () => {
    const first = await login(urlA, org.users.manager.username);
    const rotated = await request(urlA).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
    // B knows the old token was rotated: replaying it there is reuse, which revokes the family
    const replay = await request(urlB).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_INVALID');
    await request(urlA).post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken }).expect(401);

    // an unbroken chain moves freely between the instances
    const pair = await login(urlB, org.users.warehouseStaff.username);
    const onA = await request(urlA).post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    const onB = await request(urlB).post('/api/v1/auth/refresh').send({ refreshToken: onA.body.refreshToken }).expect(200);
    await as(urlA, onB.body.accessToken).get('/api/v1/auth/me').expect(200);
  });

  it('should give receipt numbers without gaps or duplicates while both instances take consignments', async () => {
    const agent = (await login(urlA, org.users.agentA.username)).accessToken;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      as(i % 2 ? urlA : urlB, agent).post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products, { clientId: randomUUID() }))));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    const seqs = results.map((r) => Number(String(r.body.receiptNo).split('-').pop())).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(12);
    expect(seqs[11] - seqs[0]).toBe(11);
  });

  it('should boot with a read replica configured, send marked report reads there and keep everything else on the primary', async () => {
    // The "replica" is this same server behind a TCP proxy that counts what is sent through it: the
    // wiring is shown (which reads take the replica pool), not replication itself.
    const proxy = new TcpProxy(await freePort(), Number(process.env.DB_PORT ?? 3306));
    await proxy.start();
    process.env.DB_REPLICA_HOSTS = `127.0.0.1:${proxy.port}`;
    let c: TestApp | undefined;
    try {
      c = await createTestApp();
    } finally {
      delete process.env.DB_REPLICA_HOSTS;
    }
    try {
      expect(replicasConfigured(c.dataSource)).toBe(true);
      expect(replicasConfigured(a.dataSource)).toBe(false);
      expect(await replicaQuery(c.dataSource, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      const admin = as(c.http, (await login(c.http, org.users.admin.username)).accessToken);
      const agent = as(c.http, (await login(c.http, org.users.agentA.username)).accessToken);
      const through = async (call: () => Promise<unknown>) => { const before = proxy.clientBytes; await call(); return proxy.clientBytes - before; };

      expect(await through(() => admin.get('/api/v1/sales-reports?groupBy=channel').expect(200))).toBeGreaterThan(0);
      expect(await through(() => admin.get(`/api/v1/parcel-counts/regions/${org.regions.county.id}?period=month&from=2026-01-01&to=2026-12-31`).expect(200))).toBeGreaterThan(0);
      expect(await through(() => agent.get(`/api/v1/points/${org.pointA.id}/parcel-counts?from=2026-01-01&to=2026-12-31`).expect(200))).toBeGreaterThan(0);
      // writes, their read-backs and unmarked reads stay on the primary
      expect(await through(() => agent.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products)).expect(201))).toBe(0);
      expect(await through(() => agent.get(`/api/v1/farmers/${farmerId}`).expect(200))).toBe(0);
      expect(await through(() => admin.post('/api/v1/ledger/reconciliation').expect(200))).toBe(0);
    } finally {
      await c.close();
      await proxy.stop();
    }
  });
});
