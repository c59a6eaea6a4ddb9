import { DEMO_PRODUCTS } from '../../src/demo/demo-catalog';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Catalog (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let otherAdmin: Caller;
  let products: TestProducts;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    const other = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    otherAdmin = (await callersFor(t.http, { admin: other.users.admin })).admin;
    products = await createTestProducts(c.admin);
  });
  afterAll(() => t.close());

  it('should show products with units, grades, checklist and the prices in force to staff', async () => {
    const res = await c.agentA.get(`/api/v1/products/${products.tzc.id}`).expect(200);
    expect(res.body).toEqual(expect.objectContaining({
      name: '坛子菜', baseUnit: 'GRAM', settlementMode: 'CONSIGNMENT',
      units: expect.arrayContaining([{ name: '斤', baseUnitsPerDisplayUnit: 500 }]),
      qcChecklist: expect.arrayContaining([{ key: 'mold', label: '无霉变' }]),
    }));
    expect(res.body.currentPrices.map((p: { gradeCode: string; priceFen: number }) => [p.gradeCode, p.priceFen]).sort()).toEqual([['A', 1500], ['B', 1100]]);
    const list = await c.warehouseStaff.get('/api/v1/products?q=EGG').expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([products.egg.id]);
    await otherAdmin.get(`/api/v1/products/${products.egg.id}`).expect(404);
  });

  it('should keep price history: a new price from a later date, the old one stays', async () => {
    const future = new Date(Date.now() + 86400_000).toISOString();
    await c.admin.post(`/api/v1/products/${products.egg.id}/prices`, { gradeCode: 'A', unitName: '枚', priceFen: 220, effectiveFrom: future }).expect(201);
    const history = await c.admin.get(`/api/v1/products/${products.egg.id}/prices`).expect(200);
    expect(history.body.filter((p: { gradeCode: string }) => p.gradeCode === 'A').map((p: { priceFen: number }) => p.priceFen)).toEqual([220, 200]);
    const now = await c.admin.get(`/api/v1/products/${products.egg.id}`).expect(200);
    expect(now.body.currentPrices.find((p: { gradeCode: string }) => p.gradeCode === 'A').priceFen).toBe(200);
    const dup = await c.admin.post(`/api/v1/products/${products.egg.id}/prices`, { gradeCode: 'A', unitName: '枚', priceFen: 230, effectiveFrom: future });
    expectErrorBody(dup.body, 409, 'PRICE_EXISTS');
  });

  it('should refuse prices for unknown grades or units, and writes by non-admins', async () => {
    const grade = await c.admin.post(`/api/v1/products/${products.egg.id}/prices`, { gradeCode: 'Z', unitName: '枚', priceFen: 1, effectiveFrom: new Date().toISOString() });
    expectErrorBody(grade.body, 422, 'GRADE_UNKNOWN');
    expect(grade.body.details[0].field).toBe('gradeCode');
    const unit = await c.admin.post(`/api/v1/products/${products.egg.id}/prices`, { gradeCode: 'A', unitName: '斤', priceFen: 1, effectiveFrom: new Date().toISOString() });
    expectErrorBody(unit.body, 422, 'UNIT_UNKNOWN');
    await c.agentA.post('/api/v1/products', DEMO_PRODUCTS[0]).expect(403);
    await c.agentA.post(`/api/v1/products/${products.egg.id}/prices`, { gradeCode: 'A', unitName: '枚', priceFen: 1, effectiveFrom: new Date().toISOString() }).expect(403);
  });

  it('should validate product input and allow units to be added but not removed', async () => {
    const { prices: _p, ...egg } = DEMO_PRODUCTS[0];
    const bad = await c.admin.post('/api/v1/products', { ...egg, code: 'BAD', units: [{ name: '斤', baseUnitsPerDisplayUnit: 0.5 }] });
    expectErrorBody(bad.body, 400, 'VALIDATION_FAILED');
    expect(bad.body.details[0].field).toBe('units.0.baseUnitsPerDisplayUnit');
    const dupCode = await c.admin.post('/api/v1/products', { ...egg });
    expectErrorBody(dupCode.body, 409, 'PRODUCT_CODE_TAKEN');
    const added = await c.admin.patch(`/api/v1/products/${products.egg.id}`, { units: [...egg.units, { name: '板', baseUnitsPerDisplayUnit: 30 }] }).expect(200);
    expect(added.body.units).toHaveLength(3);
    const removed = await c.admin.patch(`/api/v1/products/${products.egg.id}`, { units: [{ name: '枚', baseUnitsPerDisplayUnit: 1 }] });
    expectErrorBody(removed.body, 422, 'CATALOG_ENTRY_IN_USE');
  });
});
