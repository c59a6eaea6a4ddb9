import { randomUUID } from 'crypto';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { lotFromFarmers } from '../factories/lot.factory';
import { assertLedgerInvariants } from '../support/ledger';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Sales, allocation to farmers, refunds, imports (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let sku3: { id: string; code: string };
  let store: { id: string };
  let farmers: string[];

  const lot = (ids: string[], q: number[]) => lotFromFarmers({ agent: c.agentA, warehouseStaff: c.warehouseStaff },
    { pointId: org.pointA.id, warehouseId: org.warehouse1.id, productId: products.dfr.id, skuId: sku3.id, jarsPerPack: 3 }, ids, q);
  const sale = (lines: object[], extra: Record<string, unknown> = {}) => ({ clientId: randomUUID(), lines, ...extra });
  const allocSum = async (lotId: string) => t.dataSource.query(
    'SELECT farmer_id, SUM(quantity_base) AS q, SUM(farmer_amount_fen) AS f FROM sale_allocation WHERE lot_id = ? GROUP BY farmer_id', [lotId]);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    sku3 = (await c.admin.post('/api/v1/skus', { code: 'DFR-3', name: '豆腐乳 3瓶装', productId: products.dfr.id, contentUnit: 'JAR', contentBasePerPack: 3 }).expect(201)).body;
    store = (await c.admin.post('/api/v1/sales-channels', { kind: 'STORE', name: '益阳门店', warehouseId: org.warehouse1.id }).expect(201)).body;
    farmers = [];
    for (let i = 0; i < 37; i++) {
      farmers.push((await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { name: `农户${i}` })).expect(201)).body.id);
    }
  });
  afterAll(() => t.close());

  it('should allocate a lot mixed from 37 farmers, sold in odd pack counts, to the unit and the fen with no drift', async () => {
    const q = farmers.map((_, i) => 1 + ((i * 7) % 11)); // 1..11 jars each
    const { lotId, packs } = await lot(farmers, q);
    const counts = [1, 3, 7, 2, 5, 11, 1];
    let sold = 0;
    for (const n of counts) {
      if (sold + n > packs) break;
      await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, packs: n, unitPriceFen: 5999 }])).expect(201);
      sold += n;
    }
    const rest = packs - sold;
    await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, lotId, packs: rest, unitPriceFen: 6001 }])).expect(201);
    // everything sold: each farmer got exactly the units they contributed to the lot, and the snapshot price × units to the fen
    const prov = await t.dataSource.query('SELECT farmer_id, SUM(quantity_base) AS q FROM lot_provenance WHERE lot_id = ? GROUP BY farmer_id', [lotId]);
    const got = new Map((await allocSum(lotId)).map((r: Record<string, string>) => [String(r.farmer_id), r]));
    for (const p of prov) {
      const a = got.get(String(p.farmer_id)) as Record<string, string>;
      expect(Number(a.q)).toBe(Number(p.q));
      expect(Number(a.f)).toBe(Number(p.q) * 1800); // 豆腐乳 A: 1800 fen a jar at QC
    }
    const check = (await c.admin.get('/api/v1/sales-check').expect(200)).body;
    expect(check).toEqual(expect.objectContaining({ ok: true, brokenLines: [], clearingBalanceFen: 0 }));
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should refuse bad input with a clear 4xx and write nothing', async () => {
    const before = await t.dataSource.query('SELECT COUNT(*) AS n FROM sale');
    const r1 = await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: '999999', packs: 1, unitPriceFen: 100 }])).expect(422);
    expectErrorBody(r1.body, 422, 'SKU_NOT_FOUND');
    const r2 = await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, packs: 1, unitPriceFen: 0 }])).expect(422);
    expectErrorBody(r2.body, 422, 'SALE_PRICE_INVALID');
    const r3 = await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, packs: 100000, unitPriceFen: 100 }])).expect(409);
    expectErrorBody(r3.body, 409, 'SALE_STOCK_INSUFFICIENT');
    const r4 = await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, lotId: '999999', packs: 1, unitPriceFen: 100 }])).expect(422);
    expectErrorBody(r4.body, 422, 'LOT_NOT_FOUND');
    expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM sale')).toEqual(before);
  });

  it('should let exactly one of two concurrent sales of the last packs succeed, and record a resent sale once', async () => {
    const { lotId } = await lot(farmers.slice(0, 2), [3, 3]); // 2 packs
    const body = () => sale([{ skuId: sku3.id, lotId, packs: 2, unitPriceFen: 5000 }]);
    const bodies = [body(), body()];
    const [a, b] = await Promise.all(bodies.map((x) => c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, x)));
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const winner = a.status === 201 ? a : b;
    const again = await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, bodies[a.status === 201 ? 0 : 1]);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(winner.body.id);
    expect((await t.dataSource.query('SELECT COUNT(*) AS n FROM sale_line WHERE lot_id = ?', [lotId]))[0].n).toBe('1');
  });

  it('should record sales at two stores at once to the same new farmers, each once, with one account per farmer and the ledger whole', async () => {
    // the farmers' first sales: both stores' transactions create the same farmers' accounts at once
    const fresh: string[] = [];
    for (let i = 0; i < 6; i++) fresh.push((await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { name: `两店农户${i}` })).expect(201)).body.id);
    const store2 = (await c.admin.post('/api/v1/sales-channels', { kind: 'STORE', name: '赫山门店', warehouseId: org.warehouse1.id }).expect(201)).body;
    const lotA = await lot(fresh, [9, 9, 9, 9, 9, 9]); // 18 packs each
    const lotB = await lot(fresh, [9, 9, 9, 9, 9, 9]);
    const sends = [];
    for (let i = 0; i < 8; i++) {
      sends.push(c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, lotId: lotA.lotId, packs: 2, unitPriceFen: 5999 }])));
      sends.push(c.warehouseStaff.post(`/api/v1/sales-channels/${store2.id}/sales`, sale([{ skuId: sku3.id, lotId: lotB.lotId, packs: 2, unitPriceFen: 6100 }])));
    }
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    expect(statuses).toEqual(new Array(16).fill(201));
    const accounts = await t.dataSource.query(
      `SELECT a.owner_id, COUNT(*) AS n, MAX(a.balance_fen) AS balance FROM ledger_account a WHERE a.company_id = ? AND a.owner_type = 'FARMER' AND a.owner_id IN (?) GROUP BY a.owner_id`,
      [org.company.id, fresh]);
    expect(accounts).toHaveLength(6);
    const earned = new Map<string, number>((await t.dataSource.query('SELECT farmer_id, SUM(farmer_amount_fen) AS f FROM sale_allocation WHERE lot_id IN (?) GROUP BY farmer_id', [[lotA.lotId, lotB.lotId]]))
      .map((r: Record<string, string>) => [String(r.farmer_id), Number(r.f)] as [string, number]));
    for (const a of accounts) {
      expect(Number(a.n)).toBe(1);
      expect(Number(a.balance)).toBe(earned.get(String(a.owner_id)));
    }
    expect([...earned.values()].reduce((x, y) => x + y, 0)).toBe(16 * 2 * 3 * 1800); // 16 sales × 2 packs × 3 jars × 1800 fen a jar
    const check = (await c.admin.get('/api/v1/sales-check').expect(200)).body;
    expect(check).toEqual(expect.objectContaining({ ok: true, brokenLines: [], clearingBalanceFen: 0 }));
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should reverse exactly what a partial refund refunds, and all of it after the last part', async () => {
    const { lotId } = await lot(farmers.slice(0, 5), [4, 5, 7, 2, 3]); // 21 jars, 7 packs
    const s = (await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, sale([{ skuId: sku3.id, lotId, packs: 7, unitPriceFen: 5999 }])).expect(201)).body;
    const line = s.lines[0];
    const over = await c.warehouseStaff.post(`/api/v1/sale-lines/${line.id}/refunds`, { clientId: randomUUID(), packs: 8, disposition: 'RESTOCK', reason: '超量' }).expect(422);
    expectErrorBody(over.body, 422, 'REFUND_EXCEEDS_SALE');
    const r1 = (await c.warehouseStaff.post(`/api/v1/sale-lines/${line.id}/refunds`, { clientId: randomUUID(), packs: 2, disposition: 'RESTOCK', reason: '破损退货' }).expect(201)).body;
    expect(r1.revenueFen).toBe(2 * 5999);
    expect(r1.revenueFen).toBe(r1.farmerFen + r1.commissionFen + r1.hostCommissionFen + r1.marginFen);
    const r2 = (await c.warehouseStaff.post(`/api/v1/sale-lines/${line.id}/refunds`, { clientId: randomUUID(), packs: 5, disposition: 'LOSS', reason: '客户全退' }).expect(201)).body;
    expect(r1.farmerFen + r2.farmerFen).toBe(line.farmerFen);
    expect(r1.marginFen + r2.marginFen).toBe(line.marginFen);
    // every farmer is back to zero for this sale
    const net = await t.dataSource.query(
      `SELECT a.farmer_id, SUM(a.farmer_amount_fen) - COALESCE((SELECT SUM(ra.farmer_amount_fen) FROM refund_allocation ra JOIN sale_allocation x ON x.id = ra.allocation_id WHERE x.sale_line_id = ? AND x.farmer_id = a.farmer_id), 0) AS n
       FROM sale_allocation a WHERE a.sale_line_id = ? GROUP BY a.farmer_id`, [line.id, line.id]);
    net.forEach((r: { n: string }) => expect(Number(r.n)).toBe(0));
    expect((await c.warehouseStaff.get(`/api/v1/lots/${lotId}`).expect(200)).body.onHandPacks).toBe(2);
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });

  it('should import a platform file once: bad rows reported by line, all or nothing unless good_rows, a re-import changes nothing', async () => {
    await lot(farmers.slice(5, 10), [6, 6, 6, 6, 6]); // 10 packs
    const online = (await c.admin.post('/api/v1/sales-channels', { kind: 'ONLINE', name: '拼多多旗舰店', platform: '拼多多', shop: '怡创客', warehouseId: org.warehouse1.id }).expect(201)).body;
    const csv = ['external_order_id,sku_code,packs,unit_price_fen,sold_at', `PDD-1,${sku3.code},1,5900,2026-11-20T10:00:00Z`, `PDD-2,${sku3.code},2,5900,2026-11-20T10:05:00Z`,
      'PDD-3,NOPE,1,5900,2026-11-20T10:06:00Z', `PDD-4,${sku3.code},1,-5,2026-11-20T10:07:00Z`].join('\n');
    const bad = await c.warehouseStaff.post(`/api/v1/sales-channels/${online.id}/imports`, csv).set('Content-Type', 'text/csv').expect(422);
    expectErrorBody(bad.body, 422, 'IMPORT_ROWS_INVALID');
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['line 4.sku_code', 'line 5.unit_price_fen']);
    expect((await t.dataSource.query('SELECT COUNT(*) AS n FROM sale WHERE channel_id = ?', [online.id]))[0].n).toBe('0');
    const ok = (await c.warehouseStaff.post(`/api/v1/sales-channels/${online.id}/imports?mode=good_rows`, csv).set('Content-Type', 'text/csv').expect(201)).body;
    expect(ok).toEqual(expect.objectContaining({ importedOrders: 2, duplicateOrders: 0 }));
    const ledgerBefore = await t.dataSource.query('SELECT COUNT(*) AS n, SUM(ABS(amount_fen)) AS s FROM ledger_entry');
    const again = (await c.warehouseStaff.post(`/api/v1/sales-channels/${online.id}/imports?mode=good_rows`, csv).set('Content-Type', 'text/csv').expect(201)).body;
    expect(again).toEqual(expect.objectContaining({ importedOrders: 0, duplicateOrders: 2 }));
    expect(await t.dataSource.query('SELECT COUNT(*) AS n, SUM(ABS(amount_fen)) AS s FROM ledger_entry')).toEqual(ledgerBefore);
    const json = await c.warehouseStaff.post(`/api/v1/sales-channels/${online.id}/imports`, { orders: [{ external_order_id: 'PDD-9', sku_code: sku3.code, packs: 1, unit_price_fen: 5900 }] }).expect(201);
    expect(json.body.importedOrders).toBe(1);
    expect((await c.admin.get('/api/v1/sales-reports?groupBy=channel').expect(200)).body.length).toBeGreaterThanOrEqual(2);
    const farmerSales = (await c.agentA.get(`/api/v1/farmers/${farmers[5]}/sales`).expect(200)).body;
    expect(farmerSales.items.length).toBeGreaterThan(0);
  });

  it('should keep a live-stream host commission apart from the farmers share', async () => {
    const { lotId } = await lot(farmers.slice(10, 12), [3, 3]);
    const live = (await c.admin.post('/api/v1/sales-channels', { kind: 'LIVESTREAM', name: '桃江小妹直播间', platform: '抖音', warehouseId: org.warehouse1.id }).expect(201)).body;
    const show = (await c.warehouseStaff.post(`/api/v1/sales-channels/${live.id}/shows`, { hostName: '桃江小妹', platform: '抖音', startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: new Date().toISOString(), hostCommissionBasisPoints: 2000 }).expect(201)).body;
    const s = (await c.warehouseStaff.post(`/api/v1/sales-channels/${live.id}/sales`, sale([{ skuId: sku3.id, lotId, packs: 2, unitPriceFen: 6999 }], { showId: show.id, externalOrderId: 'DY-1' })).expect(201)).body;
    expect(s.lines[0].hostCommissionFen).toBe(Math.round(2 * 6999 * 0.2));
    expect(s.lines[0].farmerFen).toBe(6 * 1800);
    const again = await c.warehouseStaff.post(`/api/v1/sales-channels/${live.id}/sales`, sale([{ skuId: sku3.id, lotId, packs: 2, unitPriceFen: 6999 }], { showId: show.id, externalOrderId: 'DY-1' })).expect(200);
    expect(again.body.id).toBe(s.id);
    expect((await c.admin.get('/api/v1/sales-check').expect(200)).body.ok).toBe(true);
  });
});
