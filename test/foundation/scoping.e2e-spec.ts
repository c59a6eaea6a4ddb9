import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Scoping and roles (e2e)', () => {
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

  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id).sort();

  it("should answer 404, not 403, when an agent asks for another point's records", async () => {
    await c.agentA.get(`/api/v1/points/${org.pointA.id}`).expect(200);
    const res = await c.agentA.get(`/api/v1/points/${org.pointB.id}`);
    expect(res.status).toBe(404);
    expectErrorBody(res.body, 404, 'POINT_NOT_FOUND');
    // An id that does not exist answers exactly the same.
    const missing = await c.agentA.get('/api/v1/points/999999999');
    expect(missing.body.code).toBe(res.body.code);
  });

  it('should list only the points in the caller scope', async () => {
    expect(ids((await c.agentA.get('/api/v1/points').expect(200)).body)).toEqual([org.pointA.id]);
    expect(ids((await c.manager.get('/api/v1/points').expect(200)).body)).toEqual([org.pointA.id, org.pointB.id].sort());
    expect(ids((await c.admin.get('/api/v1/points').expect(200)).body)).toEqual([org.pointA.id, org.pointB.id, org.pointC.id].sort());
    expect((await c.warehouseStaff.get('/api/v1/points').expect(200)).body.items).toEqual([]);
  });

  it("should hide another company's records from its admin", async () => {
    await otherAdmin.get(`/api/v1/points/${org.pointA.id}`).expect(404);
    await otherAdmin.get(`/api/v1/warehouses/${org.warehouse1.id}`).expect(404);
    await otherAdmin.patch(`/api/v1/points/${org.pointA.id}`, { name: '改名' }).expect(404);
    await otherAdmin.get(`/api/v1/users/${org.users.agentA.id}`).expect(404);
  });

  it('should give warehouse staff 403 on admin routes', async () => {
    const res = await c.warehouseStaff.post('/api/v1/points', {
      regionId: org.regions.villageA.id, code: 'NEWP', name: '新服务点', serviceCenterName: '中心', address: '地址', contactPhone: '13800000001', openingHours: '08:00-18:00',
    });
    expect(res.status).toBe(403);
    expectErrorBody(res.body, 403, 'FORBIDDEN');
    await c.warehouseStaff.get('/api/v1/users').expect(403);
    await c.warehouseStaff.get('/api/v1/audit-logs').expect(403);
  });

  it('should let warehouse staff see only their warehouse', async () => {
    expect(ids((await c.warehouseStaff.get('/api/v1/warehouses').expect(200)).body)).toEqual([org.warehouse1.id]);
    await c.warehouseStaff.get(`/api/v1/warehouses/${org.warehouse2.id}`).expect(404);
  });

  it('should let a region manager read but never write', async () => {
    await c.manager.get(`/api/v1/points/${org.pointB.id}`).expect(200);
    await c.manager.get(`/api/v1/points/${org.pointC.id}`).expect(404);
    await c.manager.patch(`/api/v1/points/${org.pointA.id}`, { name: '改名' }).expect(403);
    await c.manager.post(`/api/v1/points/${org.pointA.id}/deactivate`).expect(403);
    await c.manager.post('/api/v1/warehouses', { code: 'WHX', name: '仓', address: '地址' }).expect(403);
    const point = await c.admin.get(`/api/v1/points/${org.pointA.id}`).expect(200);
    expect(point.body.name).toBe(org.pointA.name);
  });

  it('should let an admin create, update and deactivate points, with audit entries', async () => {
    const created = await c.admin.post('/api/v1/points', {
      regionId: org.regions.villageB.id, code: 'SGQ2', name: '三官桥二号点', serviceCenterName: '三官桥村党群服务中心', address: '三官桥村', contactPhone: '13800000002', openingHours: '每天 08:00-18:00',
    }).expect(201);
    const dup = await c.admin.post('/api/v1/points', {
      regionId: org.regions.villageB.id, code: 'SGQ2', name: '重复', serviceCenterName: '中心', address: '地址', contactPhone: '13800000002', openingHours: '08:00',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('POINT_CODE_TAKEN');
    await c.admin.patch(`/api/v1/points/${created.body.id}`, { openingHours: '周一至周六 08:00-17:00' }).expect(200);
    const off = await c.admin.post(`/api/v1/points/${created.body.id}/deactivate`).expect(200);
    expect(off.body.active).toBe(false);
    const inactive = await c.admin.get('/api/v1/points?active=false').expect(200);
    expect(ids(inactive.body)).toEqual([created.body.id]);
    const audit = await c.admin.get(`/api/v1/audit-logs?entityType=commerce_point&entityId=${created.body.id}`).expect(200);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['update', 'update', 'create']);
    expect(audit.body.items[1].changes).toEqual([expect.objectContaining({ field: 'openingHours', after: '周一至周六 08:00-17:00' })]);
  });

  it('should refuse a commerce point in a region above township level', async () => {
    const res = await c.admin.post('/api/v1/points', {
      regionId: org.regions.county.id, code: 'CNTY', name: '县点', serviceCenterName: '中心', address: '地址', contactPhone: '13800000003', openingHours: '08:00',
    });
    expect(res.status).toBe(422);
    expect(res.body.details[0].field).toBe('regionId');
  });

  it('should page lists with a cursor', async () => {
    const first = await c.admin.get('/api/v1/points?limit=2').expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await c.admin.get(`/api/v1/points?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    const all = [...first.body.items, ...second.body.items].map((p: { id: string }) => p.id);
    expect(new Set(all).size).toBe(all.length);
  });
});
