import { businessDayRange } from '../../src/common/business-day';

/**
 * Direct recounts of every dashboard from the base tables, and the comparison of a dashboard's
 * answer with them: shared by the dashboards spec (hand-made data through the API) and the spec on a
 * generated county (bench/scale), so both hold the roll-ups to the same definition of each figure.
 */
export type Row = Record<string, unknown>;
export type Query = (sql: string, params: unknown[]) => Promise<Row[]>;
export type DashCall = (name: string, query: Record<string, string | number | undefined>) => Promise<{ rows: Row[] }>;
export type RecountScope = { name: string; q: Record<string, string>; points: string[] };

export const num = (v: unknown) => Number(v ?? 0);
export const bp = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10_000) / whole) : null);
export const byKey = <T extends Row>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
const win = (from: string, to: string) => ({ start: businessDayRange(from).start, end: businessDayRange(to).end });

const FARMER_ACC = `a.owner_type = 'FARMER' AND a.account_type = 'FARMER_PAYABLE'`;
const MONEY_KINDS = `('EARNING', 'CHARGEBACK', 'REVERSAL', 'ADJUSTMENT', 'PAYOUT', 'PAYOUT_REVERSAL')`;

/**
 * Each dashboard's figures counted straight from the base tables for a set of points and a range of
 * business days (both included), in the shape the API answers, to compare a dashboard with.
 */
export function dashboardRecount(q: Query) {
    return {
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
      // a carrier is listed when anything of it moved in the range: arrived, collected, returned or sent
      const count = (table: string, at: string) => q(
        `SELECT c.code, COUNT(*) AS n FROM ${table} x JOIN carrier c ON c.id = x.carrier_id WHERE x.point_id IN (?) AND x.${at} >= ? AND x.${at} < ? GROUP BY c.code`,
        [P, w.start, w.end]);
      const down = await count('down_parcel', 'arrived_at');
      const collected = await count('down_parcel', 'collected_at');
      const returned = await count('down_parcel', 'returned_at');
      const up = await count('up_parcel', 'sent_at');
      const codes = [...new Set([...down, ...collected, ...returned, ...up].map((r) => String(r.code)))];
      const of = (rows: Row[], code: string) => num(rows.find((r) => r.code === code)?.n);
      return codes.map((code) => {
        const d = of(down, code); const u = of(up, code);
        return { carrierCode: code, downCount: d, collectedCount: of(collected, code), returnedCount: of(returned, code), upCount: u, upShareBp: bp(u, d + u) };
      });
    },
    topVillages: async (P: string[], from: string, to: string) => {
      const w = win(from, to);
      return (await q(
        `SELECT cp.region_id, SUM(e.amount_fen) AS earned FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
           JOIN commerce_point cp ON cp.id = COALESCE(e.point_id, f.usual_point_id)
          WHERE ${FARMER_ACC} AND e.kind = 'EARNING' AND cp.id IN (?) AND e.created_at >= ? AND e.created_at < ?
          GROUP BY cp.region_id HAVING SUM(e.amount_fen) <> 0 ORDER BY earned DESC, cp.region_id`, [P, w.start, w.end]))
        .map((r, i) => ({ rank: i + 1, villageId: String(r.region_id), earnedFen: num(r.earned) }));
    },
  };
}

export type DashboardRecount = ReturnType<typeof dashboardRecount>;

const pick = (rows: Row[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

/** The API's rows (only the recounted keys) equal the recount, whatever the order. */
export function sameRows(api: Row[], expected: Row[], key: (r: Row) => string, what: string): void {
  const keys = Object.keys(expected[0] ?? api[0] ?? {});
  try {
    expect(byKey(pick(api, keys), key)).toEqual(byKey(expected, key));
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
}

/** Every dashboard (or `only` these) of every scope and range equals its recount. */
export async function assertAllEqualRecount(o: { dash: DashCall; recount: DashboardRecount; scopes: RecountScope[]; ranges: Array<[string, string]>; only?: string[] }): Promise<void> {
  const { dash, recount, only } = o;
  const want = (name: string) => !only || only.includes(name);
  const same = sameRows;
  for (const s of o.scopes) {
    for (const [from, to] of o.ranges) {
      const r = { ...s.q, from, to };
      const P = s.points;
      const at2 = `${s.name} ${from}..${to}`;
      const k2 = (a: string, b: string) => (x: Row) => `${x[a]}|${x[b]}`;
      if (want('intake')) same((await dash('intake', r)).rows, await recount.intake(P, from, to), k2('productId', 'gradeCode'), `intake ${at2}`);
      if (want('qc')) same((await dash('qc', r)).rows, await recount.qc(P, from, to), (x) => String(x.productId), `qc ${at2}`);
      if (want('qc-rejects')) same((await dash('qc-rejects', { ...r, limit: 500 })).rows, await recount.rejects(P, from, to), k2('productId', 'reason'), `qc-rejects ${at2}`);
      if (only) continue;
      same((await dash('farmers', r)).rows, await recount.farmers(P, from, to), () => '', `farmers ${at2}`);
      same((await dash('transit-loss', r)).rows, await recount.transitLoss(P, from, to), k2('productId', 'cause'), `transit-loss ${at2}`);
      same((await dash('sales-by-channel', r)).rows, await recount.salesByChannel(P, from, to), (x) => String(x.channelKind), `sales-by-channel ${at2}`);
      same((await dash('sales-by-day', r)).rows, await recount.salesByDay(P, from, to), k2('day', 'channelKind'), `sales-by-day ${at2}`);
      same((await dash('earnings', r)).rows, await recount.earnings(P, from, to), () => '', `earnings ${at2}`);
      same((await dash('commissions', r)).rows, await recount.commissions(P, from, to), k2('beneficiaryType', 'beneficiaryId'), `commissions ${at2}`);
      same((await dash('parcels', r)).rows, await recount.parcels(P, from, to), (x) => String(x.carrierCode), `parcels ${at2}`);
      same((await dash('top-villages', { ...r, limit: 500 })).rows, await recount.topVillages(P, from, to), (x) => String(x.rank), `top-villages ${at2}`);
      const transit = (await dash('batches-in-transit', r)).rows.map((x) => String(x.batchId)).sort();
      expect(transit).toEqual(await recount.inTransit(P));
    }
  }
}

/** Every roll-up row of the company, in a fixed order: equal before and after a re-run means the re-run changed nothing. */
export async function rollupSnapshot(q: Query, companyId: string): Promise<string> {
  const out: Record<string, Row[]> = {};
  for (const table of ['rpt_intake', 'rpt_qc', 'rpt_qc_reject', 'rpt_transit_loss', 'rpt_sales', 'rpt_earnings', 'rpt_commission', 'rpt_village_income']) {
    out[table] = byKey(await q(`SELECT * FROM ${table} WHERE company_id = ? ORDER BY node_kind, node_id, period, day`, [companyId]), (r) => JSON.stringify(r));
  }
  out.farmerDay = await q('SELECT * FROM rpt_farmer_day WHERE company_id = ? ORDER BY day, point_id, farmer_id', [companyId]);
  out.farmerYear = await q('SELECT * FROM rpt_farmer_year WHERE company_id = ? ORDER BY node_kind, node_id, year, farmer_id', [companyId]);
  return JSON.stringify(out);
}
