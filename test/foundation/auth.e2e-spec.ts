import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { PrincipalLoader } from '../../src/auth/principal-loader.service';
import { TokenService } from '../../src/auth/token.service';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TEST_PASSWORD, TestOrg } from '../factories/organization.factory';
import { as, expectErrorBody, login } from '../support/http';

describe('Identity and access (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
  });
  afterAll(() => t.close());

  it('should log in with the right password and describe the caller', async () => {
    const { accessToken } = await login(t.http, org.users.agentA.username);
    const me = await as(t.http, accessToken).get('/api/v1/auth/me').expect(200);
    expect(me.body).toEqual(expect.objectContaining({ kind: 'staff', role: 'AGENT', pointIds: [org.pointA.id] }));
  });

  it('should refuse a wrong password with 401 and the error body', async () => {
    const res = await request(t.http).post('/api/v1/auth/login').send({ username: org.users.agentA.username, password: 'wrong-password' });
    expect(res.status).toBe(401);
    expectErrorBody(res.body, 401, 'LOGIN_FAILED');
    const unknown = await request(t.http).post('/api/v1/auth/login').send({ username: 'nobody_here', password: 'wrong-password' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('LOGIN_FAILED');
  });

  it('should refuse a missing, forged or expired access token', async () => {
    await request(t.http).get('/api/v1/auth/me').expect(401);
    await as(t.http, 'not-a-jwt').get('/api/v1/auth/me').expect(401);
    const jwt = t.app.get(JwtService);
    const expired = await jwt.signAsync(
      { sub: `s:${org.users.admin.id}`, role: 'ADMIN', cid: org.company.id, typ: 'access' },
      { expiresIn: -10 },
    );
    const res = await as(t.http, expired).get('/api/v1/auth/me');
    expect(res.status).toBe(401);
    expectErrorBody(res.body, 401, 'TOKEN_INVALID');
    const forged = new JwtService({ secret: 'another-secret-0123456789abcdef0123456789' }).sign(
      { sub: `s:${org.users.admin.id}`, role: 'ADMIN', cid: org.company.id, typ: 'access' },
    );
    await as(t.http, forged).get('/api/v1/auth/me').expect(401);
  });

  it('should remember a verified access token only as that exact string and only until it expires', async () => {
    const tokens = t.app.get(TokenService);
    const token = await t.app.get(JwtService).signAsync(
      { sub: `s:${org.users.agentA.id}`, role: 'AGENT', cid: org.company.id, typ: 'access' }, { expiresIn: 60 },
    );
    expect(await tokens.verifyAccess(token)).toEqual(expect.objectContaining({ sub: `s:${org.users.agentA.id}` }));
    // Same header and payload, another signature: verified afresh, and refused.
    const [head, body, sig] = token.split('.');
    const tampered = `${head}.${body}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect(await tokens.verifyAccess(tampered)).toBeNull();
    await as(t.http, tampered).get('/api/v1/auth/me').expect(401);
    // The remembered token expires like any other.
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
    try {
      expect(await tokens.verifyAccess(token)).toBeNull();
    } finally {
      now.mockRestore();
    }
  });

  it('should rotate refresh tokens and revoke the family when an old one is replayed', async () => {
    const first = await login(t.http, org.users.agentB.username);
    const second = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    // Replaying the rotated token means it leaked: 401, and the newer token dies with it.
    const replay = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_INVALID');
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
  });

  it('should let only one of two concurrent refreshes of the same token succeed', async () => {
    const pair = await login(t.http, org.users.manager.username);
    const results = await Promise.all([1, 2].map(() => request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('should refuse a refresh token after logout', async () => {
    const pair = await login(t.http, org.users.warehouseStaff.username);
    await request(t.http).post('/api/v1/auth/logout').send({ refreshToken: pair.refreshToken }).expect(204);
    const res = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken });
    expect(res.status).toBe(401);
    expectErrorBody(res.body, 401, 'REFRESH_TOKEN_INVALID');
  });

  it('should lock a disabled user out at once: login, access token and refresh token', async () => {
    const admin = as(t.http, (await login(t.http, org.users.admin.username)).accessToken);
    const created = await admin.post('/api/v1/users', {
      username: `temp_${org.company.code}`.slice(0, 60), displayName: '临时代办员', password: TEST_PASSWORD, role: 'AGENT', pointIds: [org.pointA.id],
    }).expect(201);
    const pair = await login(t.http, created.body.username);
    await as(t.http, pair.accessToken).get('/api/v1/auth/me').expect(200);

    await admin.post(`/api/v1/users/${created.body.id}/disable`).expect(200);

    const me = await as(t.http, pair.accessToken).get('/api/v1/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('ACCOUNT_DISABLED');
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    const relogin = await request(t.http).post('/api/v1/auth/login').send({ username: created.body.username, password: TEST_PASSWORD });
    expect(relogin.status).toBe(401);

    const audit = await admin.get(`/api/v1/audit-logs?entityType=staff_user&entityId=${created.body.id}`).expect(200);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['disable', 'create']);
    const createEntry = audit.body.items[1];
    expect(JSON.stringify(createEntry.changes)).not.toContain('$argon2');
    expect(createEntry.actorId).toBe(org.users.admin.id);
  });

  it('should apply a changed assignment at once although principals are cached', async () => {
    const admin = as(t.http, (await login(t.http, org.users.admin.username)).accessToken);
    const created = await admin.post('/api/v1/users', {
      username: `move_${org.company.code}`.slice(0, 60), displayName: '调岗代办员', password: TEST_PASSWORD, role: 'AGENT', pointIds: [org.pointA.id],
    }).expect(201);
    const agent = as(t.http, (await login(t.http, created.body.username)).accessToken);
    // Two requests: the second is served from the cache, which the change below must drop.
    await agent.get(`/api/v1/points/${org.pointA.id}`).expect(200);
    await agent.get(`/api/v1/points/${org.pointB.id}`).expect(404);

    await admin.patch(`/api/v1/users/${created.body.id}`, { pointIds: [org.pointB.id] }).expect(200);

    await agent.get(`/api/v1/points/${org.pointA.id}`).expect(404);
    await agent.get(`/api/v1/points/${org.pointB.id}`).expect(200);
    expect((await agent.get('/api/v1/auth/me').expect(200)).body.pointIds).toEqual([org.pointB.id]);
  });

  it('should keep a cached principal only until invalidated, and never cache a load that raced a change', async () => {
    // A loader with a long cache time, so the assertions do not depend on how fast this machine is.
    const config = { getOrThrow: () => ({ principalCacheMs: 60_000 }) } as unknown as ConfigService;
    const loader = new PrincipalLoader(t.dataSource, config);
    const id = org.users.agentB.id;
    const restore = () => t.dataSource.query('UPDATE staff_user SET active = 1 WHERE id = ?', [id]);
    try {
      expect((await loader.load('staff', id))?.pointIds).toEqual([org.pointB.id]);
      await t.dataSource.query('UPDATE staff_user SET active = 0 WHERE id = ?', [id]);
      // A change behind the API's back is seen only when the entry is dropped (or expires).
      expect(await loader.load('staff', id)).not.toBeNull();
      expect(await loader.loadFresh('staff', id)).toBeNull();
      loader.invalidate('staff', id);
      expect(await loader.load('staff', id)).toBeNull();

      await restore();
      const racing = loader.load('staff', id);
      loader.invalidate('staff', id);
      expect(await racing).not.toBeNull();
      await t.dataSource.query('UPDATE staff_user SET active = 0 WHERE id = ?', [id]);
      expect(await loader.load('staff', id)).toBeNull();
    } finally {
      await restore();
    }
  });

  it('should not store refresh tokens in clear', async () => {
    const pair = await login(t.http, org.users.agentA.username);
    const rows = await t.dataSource.query('SELECT token_hash FROM refresh_token WHERE token_hash = ?', [pair.refreshToken]);
    expect(rows).toHaveLength(0);
  });
});
