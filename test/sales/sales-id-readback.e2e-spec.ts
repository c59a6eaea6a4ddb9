import { randomUUID } from 'crypto';
import { readInsertedIdsBack } from '../../src/database/inserted-ids';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { lotFromFarmers } from '../factories/lot.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { assertLedgerInvariants } from '../support/ledger';

/**
 * Sales, imports and their postings when the server does not hand a multi-row INSERT consecutive ids
 * (MySQL 8's default `innodb_autoinc_lock_mode` 2, e.g. the docker compose stack): every id is read back
 * by its unique key instead of taken from `insertId`. Each sale line, allocation and posting must still
 * belong to the right order, lot, farmer and source key.
 */
describe('Sales with ids read back by key (MySQL 8 lock mode 2) (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let sku: { id: string; code: string };
  let farmers: string[];

  const lot = (ids: string[], q: number[]) => lotFromFarmers({ agent: c.agentA, warehouseStaff: c.warehouseStaff },
    { pointId: org.pointA.id, warehouseId: org.warehouse1.id, productId: products.dfr.id, skuId: sku.id, jarsPerPack: 1 }, ids, q);
  const q = (sql: string, params: unknown[] = []) => t.dataSource.query(sql, params) as Promise<Array<Record<string, string>>>;

  /** Every sale line of these sales: its posting, its allocations' postings on their farmers' accounts, the sums. */
  const expectPostedExactly = async (saleIds: string[]) => {
    const lines = await q('SELECT id, revenue_fen, farmer_fen, units_base FROM sale_line WHERE sale_id IN (?)', [saleIds]);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      const [receivable] = await q(
        `SELECT SUM(e.amount_fen) AS s FROM ledger_posting p JOIN ledger_entry e ON e.posting_id = p.id JOIN ledger_account a ON a.id = e.account_id
         WHERE p.source_key = ? AND a.account_type = 'SALES_RECEIVABLE'`, [`sale-line:${l.id}`]);
      expect(Number(receivable.s)).toBe(-Number(l.revenue_fen));
      const allocations = await q('SELECT id, farmer_id, quantity_base, farmer_amount_fen FROM sale_allocation WHERE sale_line_id = ?', [l.id]);
      expect(allocations.reduce((s, a) => s + Number(a.quantity_base), 0)).toBe(Number(l.units_base));
      expect(allocations.reduce((s, a) => s + Number(a.farmer_amount_fen), 0)).toBe(Number(l.farmer_fen));
      for (const a of allocations) {
        const entries = await q(
          `SELECT a.owner_id, e.amount_fen FROM ledger_posting p JOIN ledger_entry e ON e.posting_id = p.id JOIN ledger_account a ON a.id = e.account_id
           WHERE p.source_key = ? AND a.owner_type = 'FARMER'`, [`sale-allocation:${a.id}`]);
        expect(entries.map((e) => [String(e.owner_id), Number(e.amount_fen)])).toEqual([[String(a.farmer_id), Number(a.farmer_amount_fen)]]);
      }
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    readInsertedIdsBack(t.dataSource);
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    sku = (await c.admin.post('/api/v1/skus', { code: 'DFR-RB', name: '豆腐乳 单瓶', productId: products.dfr.id, contentUnit: 'JAR', contentBasePerPack: 1 }).expect(201)).body;
    farmers = [];
    for (let i = 0; i < 6; i++) farmers.push((await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { name: `回读农户${i}` })).expect(201)).body.id);
    await lot(farmers.slice(0, 3), [3, 4, 5]); // 12 packs
    await lot(farmers.slice(3), [4, 4, 4]); // 12 more
  });
  afterAll(() => t.close());

  it('should record a store sale over two lots with every line, allocation and posting on the right rows', async () => {
    const store = (await c.admin.post('/api/v1/sales-channels', { kind: 'STORE', name: '回读门店', warehouseId: org.warehouse1.id }).expect(201)).body;
    // 14 packs: all of the first lot and 2 of the second (FEFO), in two lines
    const s = (await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, {
      clientId: randomUUID(), lines: [{ skuId: sku.id, packs: 9, unitPriceFen: 2990 }, { skuId: sku.id, packs: 5, unitPriceFen: 3100 }],
    }).expect(201)).body;
    expect(s.lines.map((l: { packs: number }) => l.packs).reduce((a: number, b: number) => a + b, 0)).toBe(14);
    const stored = await q('SELECT id, sale_id, packs FROM sale_line WHERE sale_id = ? ORDER BY id', [s.id]);
    expect(stored.map((l) => String(l.id)).sort()).toEqual(s.lines.map((l: { id: string }) => String(l.id)).sort());
    await expectPostedExactly([s.id]);
  });

  it('should import multi-line platform orders with each line under its own order, and a re-import changes nothing', async () => {
    const online = (await c.admin.post('/api/v1/sales-channels', { kind: 'ONLINE', name: '回读网店', platform: '拼多多', warehouseId: org.warehouse1.id }).expect(201)).body;
    const rows = [['RB-1', 2], ['RB-2', 1], ['RB-1', 1], ['RB-3', 3], ['RB-2', 2]];
    const csv = ['external_order_id,sku_code,packs,unit_price_fen,sold_at', ...rows.map(([id, n]) => `${id},${sku.code},${n},2990,2026-11-20T10:00:00Z`)].join('\n');
    const res = (await c.warehouseStaff.post(`/api/v1/sales-channels/${online.id}/imports`, csv).set('Content-Type', 'text/csv').expect(201)).body;
    expect(res).toEqual(expect.objectContaining({ importedOrders: 3, duplicateOrders: 0 }));
    const perOrder = await q(
      `SELECT s.id, s.external_order_id, s.revenue_fen, SUM(l.packs) AS packs, SUM(l.revenue_fen) AS lines_fen FROM sale s JOIN sale_line l ON l.sale_id = s.id
       WHERE s.channel_id = ? GROUP BY s.id ORDER BY s.external_order_id`, [online.id]);
    expect(perOrder.map((o) => [o.external_order_id, Number(o.packs)])).toEqual([['RB-1', 3], ['RB-2', 3], ['RB-3', 3]]);
    for (const o of perOrder) expect(Number(o.lines_fen)).toBe(Number(o.revenue_fen));
    await expectPostedExactly(perOrder.map((o) => String(o.id)));

    const before = await q('SELECT COUNT(*) AS n FROM ledger_entry');
    const again = (await c.warehouseStaff.post(`/api/v1/sales-channels/${online.id}/imports`, csv).set('Content-Type', 'text/csv').expect(201)).body;
    expect(again).toEqual(expect.objectContaining({ importedOrders: 0, duplicateOrders: 3 }));
    expect(await q('SELECT COUNT(*) AS n FROM ledger_entry')).toEqual(before);
    expect((await c.admin.get('/api/v1/sales-check').expect(200)).body).toEqual(expect.objectContaining({ ok: true, brokenLines: [] }));
    await assertLedgerInvariants(t.dataSource, org.company.id);
  });
});
