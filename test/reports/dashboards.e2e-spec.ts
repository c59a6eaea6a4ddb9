process.env.PAYOUT_BACKOFF_MS = '50';
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { businessDay, businessDayRange } from '../../src/common/business-day';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { dispatchedBatch } from '../factories/batch.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival, upParcel } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { drainAll } from '../support/ledger';
import { startWorker } from '../support/worker';

type Row = Record<string, unknown>;
const DAY_MS = 86_400_000;
const num = (v: unknown) => Number(v ?? 0);
const monthStartOf = (d: string) => `${d.slice(0, 7)}-01`;
const bp = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10_000) / whole) : null);
const byKey = <T extends Row>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

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

  // ---- direct recounts from the base tables ------------------------------------------------

  const win = (from: string, to: string) => ({ start: businessDayRange(from).start, end: businessDayRange(to).end });
  const q = (sql: string, params: unknown[]) => t.dataSource.query(sql, params) as Promise<Row[]>;
  const FARMER_ACC = `a.owner_type = 'FARMER' AND a.account_type = 'FARMER_PAYABLE'`;
  const MONEY_KINDS = `('EARNING', 'CHARGEBACK', 'REVERSAL', 'ADJUSTMENT', 'PAYOUT', 'PAYOUT_REVERSAL')`;

  const recount = {
    intake: async (P: string[], from: string, to: string) => (await q(
      `SELECT l.product_id, g.grade_code, COUNT(*) AS n, SUM(g.quantity_base) AS qty, SUM(g.amount_fen) AS amt
         FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id JOIN quality_check qc ON qc.line_id = l.id AND qc.superseded_at IS NULL
         JOIN quality_check_grade g ON g.quality_check_id = qc.id
        WHERE c.point_id IN (?) AND c.business_day BETWEEN ? AND ? AND c.status <> 'VOIDED' AND l.status <> 'VOIDED' GROUP BY l.product_id, g.grade_code`,
      [P, from, to])).map((r) => ({ productId: String(r.product_id), gradeCode: r.grade_code, lineCount: num(r.n), quantityBase: num(r.qty), amountFen: num(r.amt) })),
    qc: async (P: string[], from: string, to: string) => (await q(
      `SELECT l.product_id, COUNT(*) AS n, SUM(l.quantity_base) AS d, SUM(l.status <> 'RECEIVED') AS i, SUM(l.accepted_quantity_base) AS acc, SUM(l.rejected_quantity_base) AS rej
         FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id
        WHERE c.point_id IN (?) AND c.business_day BETWEEN ? AND ? AND c.status <> 'VOIDED' AND l.status <> 'VOIDED' GROUP BY l.product_id`,
      [P, from, to])).map((r) => ({
      productId: String(r.product_id), lineCount: num(r.n), deliveredBase: num(r.d), inspectedLineCount: num(r.i), acceptedBase: num(r.acc),
      rejectedBase: num(r.rej), passRateBp: bp(num(r.acc), num(r.acc) + num(r.rej)),
    })),
    rejects: async (P: string[], from: string, to: string) => (await q(
      `SELECT l.product_id, r.reason, COUNT(DISTINCT l.id) AS n, SUM(r.quantity_base) AS qty
         FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id JOIN quality_check qc ON qc.line_id = l.id AND qc.superseded_at IS NULL
         JOIN quality_check_reject r ON r.quality_check_id = qc.id
        WHERE c.point_id IN (?) AND c.business_day BETWEEN ? AND ? AND c.status <> 'VOIDED' AND l.status <> 'VOIDED' GROUP BY l.product_id, r.reason`,
      [P, from, to])).map((r) => ({ productId: String(r.product_id), reason: r.reason, lineCount: num(r.n), quantityBase: num(r.qty) })),
    farmers: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      const activity = `SELECT c.farmer_id AS fid, 1 AS served FROM consignment c WHERE c.point_id IN (?) AND c.business_day BETWEEN ? AND ? AND c.status <> 'VOIDED'
        UNION ALL SELECT a.owner_id, 0 FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
         WHERE ${FARMER_ACC} AND e.kind IN ${MONEY_KINDS} AND COALESCE(e.point_id, f.usual_point_id) IN (?) AND e.created_at >= ? AND e.created_at < ?`;
      const [r] = await q(
        `SELECT COUNT(DISTINCT CASE WHEN x.served = 1 THEN x.fid END) AS served, COUNT(DISTINCT x.fid) AS active,
                COUNT(DISTINCT CASE WHEN x.served = 1 AND f.hardship = 1 THEN x.fid END) AS hs, COUNT(DISTINCT CASE WHEN f.hardship = 1 THEN x.fid END) AS ha
           FROM (${activity}) x JOIN farmer f ON f.id = x.fid`, [P, from, to, P, w.start, w.end]);
      const [inc] = await q(
        `SELECT COALESCE(SUM(e.amount_fen), 0) AS income, COALESCE(SUM(CASE WHEN f.hardship = 1 THEN e.amount_fen ELSE 0 END), 0) AS hardship_income
           FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
          WHERE ${FARMER_ACC} AND e.kind = 'EARNING' AND COALESCE(e.point_id, f.usual_point_id) IN (?) AND e.created_at >= ? AND e.created_at < ?`, [P, w.start, w.end]);
      return [{
        farmersServed: num(r.served), activeHouseholds: num(r.active), hardshipHouseholdsServed: num(r.hs), hardshipActiveHouseholds: num(r.ha),
        incomeFen: num(inc.income), hardshipIncomeFen: num(inc.hardship_income),
      }];
    },
    transitLoss: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      return (await q(`SELECT t.product_id, t.cause, COUNT(*) AS n, SUM(t.quantity_base) AS qty FROM transit_loss t JOIN batch b ON b.id = t.batch_id
        WHERE b.point_id IN (?) AND t.created_at >= ? AND t.created_at < ? GROUP BY t.product_id, t.cause`, [P, w.start, w.end]))
        .map((r) => ({ productId: String(r.product_id), cause: r.cause, lossCount: num(r.n), quantityBase: num(r.qty) }));
    },
    inTransit: async (P: string[]) => (await q(`SELECT id FROM batch WHERE status = 'DISPATCHED' AND point_id IN (?) ORDER BY id`, [P])).map((r) => String(r.id)),
    salesByChannel: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      const sold = await q(
        `SELECT sl.channel_kind, COUNT(*) AS n, SUM(a.quantity_base) AS u, SUM(a.revenue_fen) AS rev, SUM(a.farmer_amount_fen) AS f, SUM(a.agent_commission_fen + a.collective_share_fen) AS com
           FROM sale s JOIN sale_line sl ON sl.sale_id = s.id JOIN sale_allocation a ON a.sale_line_id = sl.id
           JOIN consignment_line l ON l.id = a.consignment_line_id JOIN consignment c ON c.id = l.consignment_id
          WHERE c.point_id IN (?) AND s.sold_at >= ? AND s.sold_at < ? GROUP BY sl.channel_kind`, [P, w.start, w.end]);
      const refunded = await q(
        `SELECT sl.channel_kind, SUM(ra.quantity_base) AS u, SUM(ra.farmer_amount_fen) AS f
           FROM sale_refund r JOIN sale_line sl ON sl.id = r.sale_line_id JOIN refund_allocation ra ON ra.refund_id = r.id JOIN sale_allocation a ON a.id = ra.allocation_id
           JOIN consignment_line l ON l.id = a.consignment_line_id JOIN consignment c ON c.id = l.consignment_id
          WHERE c.point_id IN (?) AND r.created_at >= ? AND r.created_at < ? GROUP BY sl.channel_kind`, [P, w.start, w.end]);
      const kinds = [...new Set([...sold, ...refunded].map((r) => String(r.channel_kind)))];
      return kinds.map((k) => {
        const s = sold.find((r) => r.channel_kind === k); const r = refunded.find((x) => x.channel_kind === k);
        return {
          channelKind: k, allocationCount: num(s?.n), unitsBase: num(s?.u), revenueFen: num(s?.rev), farmerFen: num(s?.f), commissionFen: num(s?.com),
          refundedUnitsBase: num(r?.u), refundedFarmerFen: num(r?.f),
        };
      });
    },
    salesByDay: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      return (await q(
        `SELECT day, channel_kind, SUM(u) AS u, SUM(rev) AS rev, SUM(f) AS f, SUM(ru) AS ru FROM (
           SELECT DATE_FORMAT(s.sold_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS day, sl.channel_kind, a.quantity_base AS u, a.revenue_fen AS rev, a.farmer_amount_fen AS f, 0 AS ru
             FROM sale s JOIN sale_line sl ON sl.sale_id = s.id JOIN sale_allocation a ON a.sale_line_id = sl.id
             JOIN consignment_line l ON l.id = a.consignment_line_id JOIN consignment c ON c.id = l.consignment_id
            WHERE c.point_id IN (?) AND s.sold_at >= ? AND s.sold_at < ?
           UNION ALL
           SELECT DATE_FORMAT(r.created_at + INTERVAL 8 HOUR, '%Y-%m-%d'), sl.channel_kind, 0, 0, 0, ra.quantity_base
             FROM sale_refund r JOIN sale_line sl ON sl.id = r.sale_line_id JOIN refund_allocation ra ON ra.refund_id = r.id JOIN sale_allocation a ON a.id = ra.allocation_id
             JOIN consignment_line l ON l.id = a.consignment_line_id JOIN consignment c ON c.id = l.consignment_id
            WHERE c.point_id IN (?) AND r.created_at >= ? AND r.created_at < ?) x
          GROUP BY day, channel_kind`, [P, w.start, w.end, P, w.start, w.end]))
        .map((r) => ({ day: r.day, channelKind: r.channel_kind, unitsBase: num(r.u), revenueFen: num(r.rev), farmerFen: num(r.f), refundedUnitsBase: num(r.ru) }));
    },
    earnings: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      const attributed = `FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
        WHERE ${FARMER_ACC} AND e.kind IN ${MONEY_KINDS} AND COALESCE(e.point_id, f.usual_point_id) IN (?)`;
      const [e] = await q(`SELECT SUM(CASE WHEN e.kind = 'EARNING' THEN e.amount_fen ELSE 0 END) AS earned,
          SUM(CASE WHEN e.kind IN ('CHARGEBACK', 'REVERSAL', 'ADJUSTMENT') THEN e.amount_fen ELSE 0 END) AS adj ${attributed} AND e.created_at >= ? AND e.created_at < ?`, [P, w.start, w.end]);
      const [owed] = await q(`SELECT SUM(e.amount_fen) AS owed ${attributed} AND e.created_at < ?`, [P, w.end]);
      const [st] = await q('SELECT SUM(total_fen) AS s, COUNT(*) AS n FROM payout_statement WHERE point_id IN (?) AND created_at >= ? AND created_at < ?', [P, w.start, w.end]);
      const [paid] = await q(`SELECT SUM(amount_fen) AS s, COUNT(*) AS n FROM payout WHERE point_id IN (?) AND status = 'PAID' AND paid_at >= ? AND paid_at < ?`, [P, w.start, w.end]);
      return [{
        earnedFen: num(e.earned), adjustmentsFen: num(e.adj), settledFen: num(st.s), statementCount: num(st.n), paidFen: num(paid.s), payoutCount: num(paid.n),
        pendingFen: num(owed.owed),
      }];
    },
    commissions: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      return (await q(
        `SELECT a.owner_type, a.owner_id, SUM(e.amount_fen) AS amt, COUNT(*) AS n FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
          WHERE e.kind IN ('COMMISSION', 'COLLECTIVE_SHARE', 'REVERSAL') AND e.point_id IN (?) AND e.created_at >= ? AND e.created_at < ?
            AND ((a.owner_type = 'AGENT' AND a.account_type = 'COMMISSION_PAYABLE') OR (a.owner_type = 'VILLAGE_COLLECTIVE' AND a.account_type = 'COLLECTIVE_PAYABLE'))
          GROUP BY a.owner_type, a.owner_id`, [P, w.start, w.end]))
        .map((r) => ({ beneficiaryType: r.owner_type, beneficiaryId: String(r.owner_id), amountFen: num(r.amt), entryCount: num(r.n) }));
    },
    parcels: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      const down = await q(`SELECT c.code, COUNT(*) AS n FROM down_parcel d JOIN carrier c ON c.id = d.carrier_id WHERE d.point_id IN (?) AND d.arrived_at >= ? AND d.arrived_at < ? GROUP BY c.code`, [P, w.start, w.end]);
      const up = await q(`SELECT c.code, COUNT(*) AS n FROM up_parcel u JOIN carrier c ON c.id = u.carrier_id WHERE u.point_id IN (?) AND u.sent_at >= ? AND u.sent_at < ? GROUP BY c.code`, [P, w.start, w.end]);
      const codes = [...new Set([...down, ...up].map((r) => String(r.code)))];
      return codes.map((code) => {
        const d = num(down.find((r) => r.code === code)?.n); const u = num(up.find((r) => r.code === code)?.n);
        return { carrierCode: code, downCount: d, upCount: u, upShareBp: bp(u, d + u) };
      });
    },
    topVillages: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      return (await q(
        `SELECT cp.region_id, SUM(e.amount_fen) AS earned FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
           JOIN commerce_point cp ON cp.id = COALESCE(e.point_id, f.usual_point_id)
          WHERE ${FARMER_ACC} AND e.kind = 'EARNING' AND cp.id IN (?) AND e.created_at >= ? AND e.created_at < ?
          GROUP BY cp.region_id ORDER BY earned DESC, cp.region_id`, [P, w.start, w.end]))
        .map((r, i) => ({ rank: i + 1, villageId: String(r.region_id), earnedFen: num(r.earned) }));
    },
  };

  const pick = (rows: Row[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
  const same = (api: Row[], expected: Row[], key: (r: Row) => string, what: string) => {
    const keys = Object.keys(expected[0] ?? api[0] ?? {});
    try {
      expect(byKey(pick(api, keys), key)).toEqual(byKey(expected, key));
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
  };

  const scopes = () => [
    { name: 'point A', q: { scope: 'point', pointId: org.pointA.id }, points: [org.pointA.id] },
    { name: 'township', q: { scope: 'region', regionId: org.regions.township.id }, points: [org.pointA.id, org.pointB.id] },
    { name: 'city', q: { scope: 'region', regionId: org.regions.city.id }, points: [org.pointA.id, org.pointB.id] },
    { name: 'company', q: { scope: 'company' }, points: [org.pointA.id, org.pointB.id, org.pointC.id] },
  ];

  /** Every dashboard of every scope equals its recount, for a range from the first of the month (month rows) and for single days. */
  const assertAllEqualRecount = async (only?: string[]) => {
    // month rows plus days; single days; and (when the first day is late in its month) a month row minus its later days
    const ranges: Array<[string, string]> = [[monthStartOf(dayOf(3)), dayOf(0)], [dayOf(1), dayOf(1)], [dayOf(2), dayOf(0)], [monthStartOf(dayOf(3)), dayOf(3)]];
    const want = (name: string) => !only || only.includes(name);
    for (const s of scopes()) {
      for (const [from, to] of ranges) {
        const r = { ...s.q, from, to };
        const P = s.points;
        const at2 = `${s.name} ${from}..${to}`;
        const k2 = (a: string, b: string) => (x: Row) => `${x[a]}|${x[b]}`;
        if (want('intake')) same((await dash(c.admin, 'intake', r)).rows, await recount.intake(P, from, to), k2('productId', 'gradeCode'), `intake ${at2}`);
        if (want('qc')) same((await dash(c.admin, 'qc', r)).rows, await recount.qc(P, from, to), (x) => String(x.productId), `qc ${at2}`);
        if (want('qc-rejects')) same((await dash(c.admin, 'qc-rejects', { ...r, limit: 100 })).rows, await recount.rejects(P, from, to), k2('productId', 'reason'), `qc-rejects ${at2}`);
        if (only) continue;
        same((await dash(c.admin, 'farmers', r)).rows, await recount.farmers(P, from, to), () => '', `farmers ${at2}`);
        same((await dash(c.admin, 'transit-loss', r)).rows, await recount.transitLoss(P, from, to), k2('productId', 'cause'), `transit-loss ${at2}`);
        same((await dash(c.admin, 'sales-by-channel', r)).rows, await recount.salesByChannel(P, from, to), (x) => String(x.channelKind), `sales-by-channel ${at2}`);
        same((await dash(c.admin, 'sales-by-day', r)).rows, await recount.salesByDay(P, from, to), k2('day', 'channelKind'), `sales-by-day ${at2}`);
        same((await dash(c.admin, 'earnings', r)).rows, await recount.earnings(P, from, to), () => '', `earnings ${at2}`);
        same((await dash(c.admin, 'commissions', r)).rows, await recount.commissions(P, from, to), k2('beneficiaryType', 'beneficiaryId'), `commissions ${at2}`);
        same((await dash(c.admin, 'parcels', r)).rows, await recount.parcels(P, from, to), (x) => String(x.carrierCode), `parcels ${at2}`);
        same((await dash(c.admin, 'top-villages', r)).rows, await recount.topVillages(P, from, to), (x) => String(x.rank), `top-villages ${at2}`);
        const transit = (await dash(c.admin, 'batches-in-transit', r)).rows.map((x) => String(x.batchId)).sort();
        expect(transit).toEqual(await recount.inTransit(P));
      }
    }
  };

  const snapshot = async () => {
    const out: Record<string, Row[]> = {};
    for (const table of ['rpt_intake', 'rpt_qc', 'rpt_qc_reject', 'rpt_transit_loss', 'rpt_sales', 'rpt_earnings', 'rpt_commission', 'rpt_village_income']) {
      out[table] = await q(`SELECT * FROM ${table} WHERE company_id = ? ORDER BY node_kind, node_id, period, day`, [org.company.id]);
      out[table] = byKey(out[table], (r) => JSON.stringify(r));
    }
    out.farmerDay = await q('SELECT * FROM rpt_farmer_day WHERE company_id = ? ORDER BY day, point_id, farmer_id', [org.company.id]);
    out.farmerYear = await q('SELECT * FROM rpt_farmer_year WHERE company_id = ? ORDER BY node_kind, node_id, year, farmer_id', [org.company.id]);
    return JSON.stringify(out);
  };

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
