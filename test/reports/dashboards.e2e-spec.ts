process.env.PAYOUT_BACKOFF_MS = '50';
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { businessDay } from '../../src/common/business-day';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { dispatchedBatch } from '../factories/batch.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival, upParcel } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { assertAllEqualRecount as assertAllEqualRecountIn, dashboardRecount, Query, RecountScope, Row, rollupSnapshot } from '../support/dashboard-recount';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { drainAll } from '../support/ledger';
import { startWorker } from '../support/worker';

const DAY_MS = 86_400_000;
const num = (v: unknown) => Number(v ?? 0);
const monthStartOf = (d: string) => `${d.slice(0, 7)}-01`;

describe('Dashboards over daily roll-ups (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY_MS - 60_000);
  const dayOf = (daysAgo: number) => businessDay(at(daysAgo));
  let correctable: { id: string };
  let seq = 0;
  const account = () => `62220212${String(Date.now()).slice(-7)}${String(seq++).padStart(4, '0')}`;

  const query = (q: Record<string, string | number | undefined>) =>
    Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
  const dash = async (caller: Caller, name: string, q: Record<string, string | number | undefined>) => {
    const res = await caller.get(`/api/v1/dashboards/${name}?${query(q)}`);
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { rows: Row[]; columns: Array<{ key: string; header: string; kind: string }> };
  };
  const rebuild = (from: string, to: string) => c.admin.post('/api/v1/reports/rollups/rebuild', { from, to }).expect(200);

  const farmer = async (caller: Caller, village: string, point: string, extra: Record<string, unknown> = {}) =>
    (await caller.post('/api/v1/farmers', farmerBody(village, point, extra)).expect(201)).body.id as string;
  const bankFarmer = async (caller: Caller, village: string, point: string, extra: Record<string, unknown> = {}) => {
    const id = await farmer(caller, village, point, { payout: { method: 'BANK_CARD', bankName: '桃江农商银行', accountNumber: account() }, ...extra });
    await c.admin.post(`/api/v1/farmers/${id}/payout-verification`).expect(200);
    return id;
  };
  type QcLine = { lineNo: number; accepted: Array<{ gradeCode: string; quantity: number }>; rejected: Array<{ reason: string; quantity: number; disposition: string }> };
  const CHECKLIST: Record<string, Record<string, boolean>> = {};
  const consign = async (caller: Caller, pointId: string, farmerId: string, daysAgo: number, lines: Array<{ productId: string; quantity: number; unit: string }>, qc?: QcLine[]) => {
    const cons = await caller.post('/api/v1/consignments', {
      clientId: randomUUID(), pointId, farmerId, capturedAt: at(daysAgo).toISOString(), lines: lines.map((l) => ({ ...l, gradeCode: 'A' })),
    });
    if (cons.status !== 201) throw new Error(`consignment: ${cons.status} ${JSON.stringify(cons.body)}`);
    if (!qc) return cons.body;
    const res = await caller.post(`/api/v1/consignments/${cons.body.id}/quality-checks`, {
      lines: qc.map((q) => ({ ...q, checklist: CHECKLIST[lines[q.lineNo - 1].productId] })),
    });
    if (res.status !== 201) throw new Error(`qc: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const ok = (lineNo: number, quantity: number, gradeCode = 'A'): QcLine => ({ lineNo, accepted: [{ gradeCode, quantity }], rejected: [] });

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    products = await createTestProducts(c.admin);
    CHECKLIST[products.egg.id] = { cracks: true, dirt: true, size: true };
    CHECKLIST[products.dfr.id] = { seal: true, label: true, productionDate: true };
    const { villageA, villageB, villageC } = org.regions;
    const A = org.pointA.id; const B = org.pointB.id; const C = org.pointC.id;
    const egg = (q: number) => ({ productId: products.egg.id, quantity: q, unit: '枚' });
    const jars = (q: number) => ({ productId: products.dfr.id, quantity: q, unit: '瓶' });

    // agents and village collectives earn on purchases at QC and on consignment sales
    const since = new Date(now - 30 * DAY_MS).toISOString();
    await c.admin.post('/api/v1/commission-rules', { productId: products.egg.id, channel: 'PURCHASE', agentMode: 'PERCENT', agentBasisPoints: 300, collectiveBasisPoints: 100, effectiveFrom: since }).expect(201);
    for (const channel of ['STORE', 'ONLINE', 'LIVESTREAM']) {
      await c.admin.post('/api/v1/commission-rules', { productId: products.dfr.id, channel, agentMode: 'PER_UNIT', agentFenPerUnit: 20, unitSizeBase: 1, collectiveBasisPoints: 200, effectiveFrom: since }).expect(201);
    }
    const fa1 = await bankFarmer(c.agentA, villageA.id, A, { hardship: true });
    const fa2 = await bankFarmer(c.agentA, villageA.id, A);
    const fa3 = await farmer(c.agentA, villageA.id, A);
    const fb1 = await bankFarmer(c.agentB, villageB.id, B, { hardship: true });
    const fb2 = await farmer(c.agentB, villageB.id, B);
    const fc1 = await farmer(c.admin, villageC.id, C);

    // intake over four days, with QC rejects
    const e1 = await consign(c.agentA, A, fa1, 3, [egg(30)], [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 25 }], rejected: [{ reason: 'DAMAGED', quantity: 5, disposition: 'RETURNED_TO_FARMER' }] }]);
    await consign(c.agentA, A, fa2, 2, [egg(40)], [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 30 }, { gradeCode: 'B', quantity: 6 }], rejected: [{ reason: 'SPOILED', quantity: 4, disposition: 'DISCARDED_WITH_CONSENT' }] }]);
    correctable = await consign(c.agentA, A, fa2, 2, [egg(20)], [ok(1, 20)]);
    await consign(c.agentB, B, fb1, 2, [egg(20)], [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 18 }], rejected: [{ reason: 'DAMAGED', quantity: 2, disposition: 'RETURNED_TO_FARMER' }] }]);
    const ja1 = await consign(c.agentA, A, fa1, 1, [jars(9)], [ok(1, 9)]);
    const ja2 = await consign(c.agentA, A, fa2, 1, [jars(6)], [ok(1, 6)]);
    const ja3 = await consign(c.agentA, A, fa3, 1, [jars(12)], [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 11 }], rejected: [{ reason: 'LEAKING', quantity: 1, disposition: 'RETURNED_TO_FARMER' }] }]);
    const jb1 = await consign(c.agentB, B, fb1, 1, [jars(9)], [ok(1, 9)]);
    const jb2 = await consign(c.agentB, B, fb2, 1, [jars(9)], [ok(1, 9)]);
    await consign(c.admin, C, fc1, 0, [egg(10)], [ok(1, 10)]);
    await consign(c.agentA, A, fa3, 0, [egg(10)]); // not inspected yet

    // batches: A's jars arrive with a damaged and a lost jar, B's in full; A's eggs stay in transit
    const batchA = await dispatchedBatch(c.agentA, A, org.warehouse1.id, [ja1, ja2, ja3].map((x) => x.lines[0].id));
    const itemOf = (batch: { items: Array<{ id: string; consignmentLineId: string }> }, line: string) => batch.items.find((i) => i.consignmentLineId === line)!.id;
    await c.warehouseStaff.post(`/api/v1/batches/${batchA.id}/receipts`, {
      requestId: randomUUID(), lines: [
        { batchItemId: itemOf(batchA, ja1.lines[0].id), receivedQuantityBase: 9 },
        { batchItemId: itemOf(batchA, ja2.lines[0].id), receivedQuantityBase: 5, damagedQuantityBase: 1, damageCause: 'DAMAGED' },
        { batchItemId: itemOf(batchA, ja3.lines[0].id), receivedQuantityBase: 10, complete: true, lossCause: 'LOST' },
      ],
    }).expect(201);
    const batchB = await dispatchedBatch(c.agentB, B, org.warehouse1.id, [jb1, jb2].map((x) => x.lines[0].id));
    await c.warehouseStaff.post(`/api/v1/batches/${batchB.id}/receipts`, {
      requestId: randomUUID(), lines: batchB.items.map((i: { id: string; quantityBase: number }) => ({ batchItemId: i.id, receivedQuantityBase: i.quantityBase })),
    }).expect(201);
    await dispatchedBatch(c.agentA, A, org.warehouse1.id, [e1.lines[0].id]);

    // one lot of 3-jar packs from both points, sold in three channels on two days, one pack refunded
    const sku = (await c.admin.post('/api/v1/skus', { code: 'DFR-3', name: '豆腐乳 3瓶装', productId: products.dfr.id, contentUnit: 'JAR', contentBasePerPack: 3 }).expect(201)).body;
    const inputs = [
      { batchItemId: itemOf(batchA, ja1.lines[0].id), quantityBase: 9 }, { batchItemId: itemOf(batchA, ja2.lines[0].id), quantityBase: 5 },
      { batchItemId: itemOf(batchA, ja3.lines[0].id), quantityBase: 10 },
      ...batchB.items.map((i: { id: string; quantityBase: number }) => ({ batchItemId: i.id, quantityBase: i.quantityBase })),
    ];
    await c.warehouseStaff.post(`/api/v1/warehouses/${org.warehouse1.id}/processing`, {
      requestId: randomUUID(), kind: 'PACKING', inputs, outputs: [{ skuId: sku.id, packs: 14 }], lossBase: 0,
    }).expect(201);
    const channel = async (kind: string, name: string) => (await c.admin.post('/api/v1/sales-channels', { kind, name, warehouseId: org.warehouse1.id, ...(kind === 'STORE' ? {} : { platform: '抖音', shop: '怡创客旗舰店' }) }).expect(201)).body;
    const store = await channel('STORE', '益阳门店');
    const online = await channel('ONLINE', '抖音小店');
    const live = await channel('LIVESTREAM', '桃江直播间');
    const show = (await c.admin.post(`/api/v1/sales-channels/${live.id}/shows`, {
      hostName: '桃江小妹', platform: '抖音', startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), hostCommissionBasisPoints: 1500,
    }).expect(201)).body;
    const sale = (ch: string, packs: number, price: number, soldAt: Date, extra: Record<string, unknown> = {}) => c.warehouseStaff.post(`/api/v1/sales-channels/${ch}/sales`, {
      clientId: randomUUID(), soldAt: soldAt.toISOString(), lines: [{ skuId: sku.id, packs, unitPriceFen: price }], ...extra,
    }).expect(201);
    const storeSale = (await sale(store.id, 4, 5999, at(1))).body;
    await sale(online.id, 3, 6100, at(0), { externalOrderId: `DY${Date.now()}` });
    await sale(live.id, 5, 5800, at(0), { showId: show.id, externalOrderId: `LV${Date.now()}` });
    await c.warehouseStaff.post(`/api/v1/sale-lines/${storeSale.lines[0].id}/refunds`, { clientId: randomUUID(), packs: 1, disposition: 'RESTOCK', reason: '包装破损退货' }).expect(201);

    // earnings posted, settled and paid
    await drainAll(worker);
    const run = (await c.admin.post('/api/v1/settlement-runs', { throughDay: dayOf(0), periodKey: `r${Date.now()}` })).body;
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/payouts`).expect(200);
    await drainAll(worker);

    // parcels down and up
    for (const carrierCode of ['ZTO', 'ZTO', 'SF']) await c.agentA.post(`/api/v1/points/${A}/parcels`, arrival({ carrierCode })).expect(201);
    const p = (await c.agentA.post(`/api/v1/points/${A}/parcels`, arrival({ carrierCode: 'ZTO' })).expect(201)).body;
    await c.agentA.post(`/api/v1/points/${A}/parcels/pickup`, { code: p.pickupCode }).expect(200);
    await c.agentA.post(`/api/v1/points/${A}/up-parcels`, upParcel({ carrierCode: 'YD' })).expect(201);
    for (const carrierCode of ['ZTO', 'ZTO']) await c.agentB.post(`/api/v1/points/${B}/parcels`, arrival({ carrierCode })).expect(201);
    for (const carrierCode of ['EMS', 'EMS']) await c.agentB.post(`/api/v1/points/${B}/up-parcels`, upParcel({ carrierCode })).expect(201);
    await c.admin.post(`/api/v1/points/${C}/parcels`, arrival({ carrierCode: 'JT' })).expect(201);

    await rebuild(dayOf(3), dayOf(0));
  }, 240_000);
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  // ---- direct recounts from the base tables (test/support/dashboard-recount.ts) ---------------

  const q: Query = (sql, params) => t.dataSource.query(sql, params) as Promise<Row[]>;
  const recount = dashboardRecount(q);

  const scopes = (): RecountScope[] => [
    { name: 'point A', q: { scope: 'point', pointId: org.pointA.id }, points: [org.pointA.id] },
    { name: 'township', q: { scope: 'region', regionId: org.regions.township.id }, points: [org.pointA.id, org.pointB.id] },
    { name: 'city', q: { scope: 'region', regionId: org.regions.city.id }, points: [org.pointA.id, org.pointB.id] },
    { name: 'company', q: { scope: 'company' }, points: [org.pointA.id, org.pointB.id, org.pointC.id] },
  ];

  /** Every dashboard of every scope equals its recount, for a range from the first of the month (month rows) and for single days. */
  const assertAllEqualRecount = async (only?: string[]) => {
    // month rows plus days; single days; and (when the first day is late in its month) a month row minus its later days
    const ranges: Array<[string, string]> = [[monthStartOf(dayOf(3)), dayOf(0)], [dayOf(1), dayOf(1)], [dayOf(2), dayOf(0)], [monthStartOf(dayOf(3)), dayOf(3)]];
    await assertAllEqualRecountIn({ dash: (name, query) => dash(c.admin, name, query), recount, scopes: scopes(), ranges, only });
  };

  const snapshot = () => rollupSnapshot(q, org.company.id);

  it('should answer every dashboard with figures equal to a direct recount from the base tables, in every scope', async () => {
    // the data set really has what the dashboards show
    const company = { scope: 'company', from: dayOf(3), to: dayOf(0) };
    const farmers = (await dash(c.admin, 'farmers', company)).rows[0];
    expect(farmers).toEqual(expect.objectContaining({ farmersServed: 6, hardshipHouseholdsServed: 2 }));
    expect((farmers.hardshipIncomeFen as number)).toBeGreaterThan(0);
    const channels = (await dash(c.admin, 'sales-by-channel', company)).rows.map((r) => r.channelKind);
    expect(channels).toEqual(['STORE', 'ONLINE', 'LIVESTREAM']);
    const earnings = (await dash(c.admin, 'earnings', company)).rows[0];
    expect(earnings.paidFen as number).toBeGreaterThan(0);
    expect(earnings.settledFen as number).toBeGreaterThan(earnings.paidFen as number); // the cash payouts wait for their hand-over
    expect((await dash(c.admin, 'transit-loss', company)).rows.map((r) => r.cause).sort()).toEqual(['DAMAGED', 'LOST']);
    const parcels = (await dash(c.admin, 'parcels', company)).rows;
    expect(parcels.find((r) => r.carrierCode === 'ZTO')).toEqual(expect.objectContaining({ downCount: 5, upCount: 0, upShareBp: 0 }));
    expect(parcels.find((r) => r.carrierCode === 'EMS')).toEqual(expect.objectContaining({ downCount: 0, upCount: 2, upShareBp: 10000 }));
    const commissions = (await dash(c.admin, 'commissions', company)).rows;
    expect(commissions.length).toBeGreaterThan(0);
    const rejects = (await dash(c.admin, 'qc-rejects', company)).rows;
    expect(rejects[0]).toEqual(expect.objectContaining({ rank: 1, reason: 'DAMAGED', reasonName: '破损', lineCount: 2 }));

    await assertAllEqualRecount();

    // now figures: stock from the lots, for the company and for a point (the warehouses its batches go to)
    const stock = (await dash(c.admin, 'stock', company)).rows;
    const [lots] = await q('SELECT SUM(on_hand_packs) AS onhand, MIN(best_before) AS bb FROM lot WHERE company_id = ? AND on_hand_packs > 0', [org.company.id]);
    expect(stock.reduce((s, r) => s + (r.onHandPacks as number), 0)).toBe(num(lots.onhand));
    expect(stock[0]).toEqual(expect.objectContaining({ skuCode: 'DFR-3', onHandPacks: 14 - 12 + 1, availablePacks: 3 }));
    expect((await dash(c.agentA, 'stock', { scope: 'point', pointId: org.pointA.id, from: dayOf(0), to: dayOf(0) })).rows).toEqual(stock);
    // columns travel with the rows, for exports
    const intake = await dash(c.admin, 'intake', company);
    expect(intake.columns.map((x) => x.key)).toEqual(Object.keys(intake.rows[0]));
    expect(intake.columns.find((x) => x.key === 'amountFen')).toEqual({ key: 'amountFen', header: '金额', kind: 'fen' });
  });

  it('should change nothing when a day is rolled up again', async () => {
    const before = await snapshot();
    await rebuild(dayOf(3), dayOf(0));
    await rebuild(dayOf(1), dayOf(1));
    expect(await snapshot()).toBe(before);
  });

  it('should show a late correction only after its day is re-run, then exactly', async () => {
    const day = dayOf(2);
    const scope = { scope: 'point', pointId: org.pointA.id, from: day, to: day };
    const before = (await dash(c.admin, 'intake', scope)).rows;
    await c.agentA.post(`/api/v1/consignments/${correctable.id}/lines/1/qc-corrections`, {
      reason: '复检：部分破损', accepted: [{ gradeCode: 'A', quantity: 15 }],
      rejected: [{ reason: 'ODOR', quantity: 5, disposition: 'RETURNED_TO_FARMER' }], checklist: { cracks: true, dirt: true, size: true },
    }).expect(201);
    await drainAll(worker);
    // the roll-up still has the figures of its last run
    expect((await dash(c.admin, 'intake', scope)).rows).toEqual(before);
    await rebuild(day, day);
    const after = (await dash(c.admin, 'intake', scope)).rows;
    expect(after).not.toEqual(before);
    expect((await dash(c.admin, 'qc-rejects', scope)).rows.map((r) => r.reason)).toContain('ODOR');
    await assertAllEqualRecount(['intake', 'qc', 'qc-rejects']);
    // the correction's ledger reversal is posted today: re-running today brings the money figures up to date too
    await rebuild(dayOf(0), dayOf(0));
    await assertAllEqualRecount();
  }, 120_000);

  it('should scope dashboards to the caller: an agent only their point, a manager only their region (404 elsewhere)', async () => {
    const r = { from: dayOf(3), to: dayOf(0) };
    const mine = await dash(c.agentA, 'intake', { scope: 'point', pointId: org.pointA.id, ...r });
    expect(mine.rows).toEqual((await dash(c.admin, 'intake', { scope: 'point', pointId: org.pointA.id, ...r })).rows);
    const get = (caller: Caller, params: Record<string, string>) => caller.get(`/api/v1/dashboards/farmers?${query({ ...params, ...r })}`);
    for (const res of [
      await get(c.agentA, { scope: 'point', pointId: org.pointB.id }),
      await get(c.agentA, { scope: 'region', regionId: org.regions.township.id }),
      await get(c.agentA, { scope: 'company' }),
      await get(c.manager, { scope: 'point', pointId: org.pointC.id }),
      await get(c.manager, { scope: 'region', regionId: org.regions.otherCity.id }),
      await get(c.manager, { scope: 'company' }),
    ]) {
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404);
    }
    const township = await dash(c.manager, 'farmers', { scope: 'region', regionId: org.regions.township.id, ...r });
    expect(township.rows[0].farmersServed).toBe(5);
    expect((await c.warehouseStaff.get(`/api/v1/dashboards/farmers?${query({ scope: 'company', ...r })}`)).status).toBe(403);
    expect((await c.admin.get(`/api/v1/dashboards/nonsense?${query({ scope: 'company', ...r })}`)).status).toBe(404);
    expect((await c.agentA.post('/api/v1/reports/rollups/rebuild', { from: dayOf(0), to: dayOf(0) })).status).toBe(403);
  });

  it('should refuse reversed, impossible and too long ranges with a clear 4xx that suggests the export', async () => {
    const reversed = await c.admin.get(`/api/v1/dashboards/intake?${query({ scope: 'company', from: dayOf(0), to: dayOf(3) })}`).expect(422);
    expectErrorBody(reversed.body, 422, 'REPORT_RANGE_REVERSED');
    const long = await c.admin.get(`/api/v1/dashboards/intake?${query({ scope: 'company', from: '2025-01-01', to: '2026-06-30' })}`).expect(422);
    expectErrorBody(long.body, 422, 'REPORT_RANGE_TOO_LONG');
    expect(long.body.message).toContain('导出');
    expect(long.body.messageEn).toContain('export');
    expectErrorBody((await c.admin.get(`/api/v1/dashboards/intake?${query({ scope: 'company', from: '2026-02-30', to: '2026-03-01' })}`).expect(400)).body, 400);
    expectErrorBody((await c.admin.get(`/api/v1/dashboards/intake?${query({ scope: 'point', from: dayOf(1), to: dayOf(0) })}`).expect(400)).body, 400);
    expectErrorBody((await c.admin.get(`/api/v1/dashboards/intake?${query({ scope: 'everywhere', from: dayOf(1), to: dayOf(0) })}`).expect(400)).body, 400);
    expectErrorBody((await c.admin.post('/api/v1/reports/rollups/rebuild', { from: dayOf(0), to: dayOf(3) }).expect(422)).body, 422, 'REPORT_RANGE_REVERSED');
  });
});
