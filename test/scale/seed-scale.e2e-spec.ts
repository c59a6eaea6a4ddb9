import { randomUUID } from 'crypto';
import { Connection, createConnection } from 'mysql2/promise';
import { generateScale, GenerateReport } from '../../bench/scale/generate';
import { checkInvariants } from '../../bench/scale/invariants';
import { hashPassword } from '../../src/auth/password';
import { businessDay } from '../../src/common/business-day';
import { uniq, TEST_PASSWORD } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { as, login } from '../support/http';

/**
 * The scale generator at a tiny size (4 villages, 75 days) into this worker's test database: the
 * data it writes must be what the services would have written — the ledger reconciles, the money
 * check passes, counters equal a recount — and the app must keep working on it (a sale drawing on a
 * generated lot, a settlement run continuing from the generated cursors).
 */
describe('seed:scale generator (e2e)', () => {
  let t: TestApp;
  let conn: Connection;
  let report: GenerateReport;
  const endDay = businessDay(new Date(Date.now() - 86_400_000));
  const options = async (companyCode: string, provinceCode: string) => ({
    scale: 'county' as const, villages: 4, days: 75, endDay, seed: 7, factor: 1.5, farmersPerVillage: 30, provinceCode, companyCode,
    passwordHash: await hashPassword(TEST_PASSWORD), log: () => undefined,
  });

  beforeAll(async () => {
    t = await createTestApp();
    conn = await createConnection({
      host: process.env.DB_HOST, port: Number(process.env.DB_PORT), user: process.env.DB_USER, password: process.env.DB_PASSWORD,
      database: process.env.DB_NAME, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true,
    });
    report = await generateScale(conn, await options(`SC${uniq()}`.slice(0, 20), '97'));
  });
  afterAll(async () => {
    await conn.end();
    await t.close();
  });

  const count = async (sql: string, params: unknown[] = [report.companyId]) => {
    const [[row]] = await conn.query(sql, params) as unknown as [[{ n: string }]];
    return Number(row.n);
  };

  it('should fill every part of the business, one point per village', async () => {
    expect(report.villages).toBe(4);
    expect(await count('SELECT COUNT(*) AS n FROM commerce_point WHERE company_id = ?')).toBe(4);
    expect(await count('SELECT COUNT(*) AS n FROM farmer WHERE company_id = ?')).toBe(120);
    // villages of this run's points (the database outlives a run, so other runs' regions may share the prefix)
    expect(await count(`SELECT COUNT(DISTINCT r.id) AS n FROM region r JOIN commerce_point p ON p.region_id = r.id
      WHERE p.company_id = ? AND r.code LIKE '97%' AND r.level = 'VILLAGE'`)).toBe(4);
    for (const [table, min] of [['consignment', 50], ['lot', 10], ['sale', 10], ['payout_statement', 5], ['payout', 5]] as const) {
      expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE company_id = ?`)).toBeGreaterThanOrEqual(min);
    }
    expect(await count(`SELECT COUNT(*) AS n FROM quality_check_reject r JOIN quality_check q ON q.id = r.quality_check_id JOIN consignment c ON c.id = q.consignment_id WHERE c.company_id = ?`)).toBeGreaterThan(0);
    const kinds = await conn.query('SELECT DISTINCT channel_kind AS k FROM sale_line WHERE company_id = ? ORDER BY k', [report.companyId]) as unknown as [Array<{ k: string }>];
    expect(kinds[0].map((r) => r.k)).toEqual(['LIVESTREAM', 'ONLINE', 'STORE']);
    const down = await count('SELECT COUNT(*) AS n FROM down_parcel d JOIN commerce_point p ON p.id = d.point_id WHERE p.company_id = ?');
    const up = await count('SELECT COUNT(*) AS n FROM up_parcel u JOIN commerce_point p ON p.id = u.point_id WHERE p.company_id = ?');
    expect(up).toBeGreaterThan(0);
    expect(down / up).toBeGreaterThan(15); // the Yiyang ratio, about 30 down for each up
    expect(down / up).toBeLessThan(60);
  });

  it('should keep every invariant: balanced postings, balances = entries, counters = recount, lots conserve quantities', async () => {
    const result = await checkInvariants(conn, report.companyId);
    expect(Object.entries(result).filter(([, v]) => v !== 0)).toEqual([]);
    expect(Object.keys(result).length).toBeGreaterThanOrEqual(13);
  });

  it("should pass the app's own checks: ledger reconciliation and the sales money check", async () => {
    const { accessToken } = await login(t.http, report.adminUsername);
    const rec = await as(t.http, accessToken).post('/api/v1/ledger/reconciliation').expect(200);
    expect(rec.body).toEqual(expect.objectContaining({ ok: true, ledgerTotalFen: 0, balancesTotalFen: 0, mismatchedAccounts: [], unbalancedPostings: [] }));
    expect(rec.body.entryCount).toBeGreaterThan(100);
    const check = await as(t.http, accessToken).get('/api/v1/sales-check').expect(200);
    expect(check.body).toEqual(expect.objectContaining({ ok: true, clearingBalanceFen: 0, brokenLines: [] }));
    expect(check.body.saleLines).toBeGreaterThan(10);
  });

  it('should let the app go on from the generated state: a sale on a generated lot, then a settlement run from the cursors', async () => {
    const { accessToken } = await login(t.http, report.adminUsername);
    const admin = as(t.http, accessToken);
    const [[lot]] = await conn.query(
      `SELECT l.id, l.sku_id, l.on_hand_packs, c.id AS channel_id FROM lot l JOIN sales_channel c ON c.warehouse_id = l.warehouse_id AND c.kind = 'STORE'
       JOIN sku k ON k.id = l.sku_id JOIN product p ON p.id = l.product_id
       WHERE l.company_id = ? AND l.on_hand_packs >= 2 AND p.settlement_mode = 'CONSIGNMENT' AND l.best_before > CURDATE()
         AND EXISTS (SELECT 1 FROM lot_allocation a WHERE a.lot_id = l.id) ORDER BY l.id DESC LIMIT 1`, [report.companyId],
    ) as unknown as [[{ id: string; sku_id: string; on_hand_packs: number; channel_id: string }]];
    expect(lot).toBeDefined();
    await admin.post(`/api/v1/sales-channels/${lot.channel_id}/sales`)
      .send({ clientId: randomUUID(), lines: [{ skuId: String(lot.sku_id), lotId: String(lot.id), packs: 2, unitPriceFen: 2500 }] }).expect(201);

    const run = await admin.post('/api/v1/settlement-runs').send({ throughDay: endDay }).expect(201);
    expect(run.body.statementCount).toBeGreaterThan(0);
    // no entry is claimed twice: each new statement starts where the account's generated statements ended
    expect(await count(`SELECT COUNT(*) AS n FROM payout_statement s JOIN payout_statement g ON g.account_id = s.account_id AND g.id <> s.id
      AND s.from_entry_id < g.through_entry_id AND g.from_entry_id < s.through_entry_id WHERE s.company_id = ?`)).toBe(0);

    const result = await checkInvariants(conn, report.companyId);
    expect(Object.entries(result).filter(([, v]) => v !== 0)).toEqual([]);
    const rec = await admin.post('/api/v1/ledger/reconciliation').expect(200);
    expect(rec.body.ok).toBe(true);
    expect((await admin.get('/api/v1/sales-check').expect(200)).body.ok).toBe(true);
  });

  it('should give an agent the generated point and its data through the ordinary routes', async () => {
    const { accessToken } = await login(t.http, report.agentUsernames[0]);
    const agent = as(t.http, accessToken);
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect(me.body.pointIds).toHaveLength(1);
    const list = await agent.get(`/api/v1/consignments?pointId=${me.body.pointIds[0]}&limit=5`).expect(200);
    expect(list.body.items.length).toBe(5);
    await agent.get(`/api/v1/points/${me.body.pointIds[0]}/parcel-stats`).expect(200);
  });

  it('should be deterministic: the same seed gives the same figures', async () => {
    const again = await generateScale(conn, await options(`SD${uniq()}`.slice(0, 20), '96'));
    const fingerprint = async (companyId: string) => {
      const [[row]] = await conn.query(
        `SELECT (SELECT COUNT(*) FROM consignment WHERE company_id = ?) AS consignments,
                (SELECT SUM(l.quantity_base) FROM consignment_line l JOIN consignment c ON c.id = l.consignment_id WHERE c.company_id = ?) AS quantity,
                (SELECT SUM(revenue_fen) FROM sale_line WHERE company_id = ?) AS revenue,
                (SELECT SUM(CASE WHEN amount_fen > 0 THEN amount_fen ELSE 0 END) FROM ledger_entry WHERE company_id = ?) AS credits,
                (SELECT SUM(total_fen) FROM payout_statement WHERE company_id = ?) AS statements,
                (SELECT COUNT(*) FROM down_parcel d JOIN commerce_point p ON p.id = d.point_id WHERE p.company_id = ?) AS parcels,
                (SELECT SUM(pickup_wait_seconds) FROM parcel_daily_count d JOIN commerce_point p ON p.id = d.point_id WHERE p.company_id = ?) AS wait`,
        Array(7).fill(companyId)) as unknown as [[Record<string, string>]];
      return row;
    };
    // the first company has one extra sale and run by now; compare what was generated for both before that
    const first = await fingerprint(report.companyId);
    const second = await fingerprint(again.companyId);
    expect(second.consignments).toEqual(first.consignments);
    expect(second.quantity).toEqual(first.quantity);
    expect(second.parcels).toEqual(first.parcels);
    expect(second.wait).toEqual(first.wait);
    expect(Number(second.revenue)).toBe(Number(first.revenue) - 5000);
  });
});
