import { Connection, createConnection } from 'mysql2/promise';
import { generateScale, GenerateReport } from '../../bench/scale/generate';
import { rollUpGenerated } from '../../bench/scale/rollups';
import { hashPassword } from '../../src/auth/password';
import { businessDay } from '../../src/common/business-day';
import { addDays, monthStart } from '../../src/reports/report-days';
import { RollupsService } from '../../src/reports/rollups.service';
import { uniq, TEST_PASSWORD } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { assertAllEqualRecount, dashboardRecount, DashCall, Query, RecountScope, Row, rollupSnapshot } from '../support/dashboard-recount';
import { as, Caller, expectErrorBody, login } from '../support/http';

/**
 * The dashboards on a generated county (bench/scale at a small size: two townships, 24 villages,
 * 75 days over three calendar months), rolled up the way `npm run seed:scale` does (in bulk): every figure of
 * every dashboard equals a direct recount from the base tables — for the company, the county, a
 * township and a point, over month-spanning ranges and single days — and stays so when a day is
 * rolled up again; an agent and a township manager get exactly their part and 404 elsewhere.
 */
describe('Dashboards on a generated county (e2e)', () => {
  let t: TestApp;
  let conn: Connection;
  let report: GenerateReport;
  let range: { from: string; to: string };
  let admin: Caller;
  let points: Array<{ id: string; path: string }>;
  let county: string;
  let townships: string[];
  const endDay = businessDay(new Date(Date.now() - 86_400_000));
  const q: Query = (sql, params) => t.dataSource.query(sql, params) as Promise<Row[]>;

  const query = (o: Record<string, string | number | undefined>) =>
    Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
  const dashAs = (caller: Caller): DashCall => async (name, o) => {
    const res = await caller.get(`/api/v1/dashboards/${name}?${query(o)}`);
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { rows: Row[] };
  };
  const pointsUnder = (regionId: string) => points.filter((p) => p.path.includes(`/${regionId}/`)).map((p) => p.id);
  const ranges = (): Array<[string, string]> => [
    [range.from, range.to], // the whole span: month rows, a month minus its later days, and days
    [monthStart(range.to), range.to],
    [addDays(range.to, -40), addDays(range.to, -10)],
    [addDays(range.to, -3), addDays(range.to, -3)],
    [range.from, range.from],
  ];

  beforeAll(async () => {
    t = await createTestApp();
    conn = await createConnection({
      host: process.env.DB_HOST, port: Number(process.env.DB_PORT), user: process.env.DB_USER, password: process.env.DB_PASSWORD,
      database: process.env.DB_NAME, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true,
    });
    report = await generateScale(conn, {
      scale: 'county', villages: 24, days: 75, endDay, seed: 11, factor: 1, farmersPerVillage: 20, provinceCode: '94',
      companyCode: `SR${uniq()}`.slice(0, 20), passwordHash: await hashPassword(TEST_PASSWORD), log: () => undefined,
    });
    const filled = await rollUpGenerated(conn, report.companyId, t.app.get(RollupsService));
    if (!filled) throw new Error('the generator wrote no activity');
    range = filled;
    admin = as(t.http, (await login(t.http, report.adminUsername)).accessToken);
    points = (await q('SELECT id, region_path FROM commerce_point WHERE company_id = ? ORDER BY id', [report.companyId]))
      .map((r) => ({ id: String(r.id), path: String(r.region_path) }));
    // the regions above the generated points (other files' regions may share the code prefix)
    const above = [...new Set(points.flatMap((p) => p.path.split('/').filter(Boolean)))];
    const regions = await q(`SELECT id, level FROM region WHERE id IN (?) AND level IN ('COUNTY', 'TOWNSHIP') ORDER BY id`, [above]);
    county = String(regions.find((r) => r.level === 'COUNTY')!.id);
    townships = regions.filter((r) => r.level === 'TOWNSHIP').map((r) => String(r.id)).filter((id) => pointsUnder(id).length > 0);
  }, 300_000);
  afterAll(async () => {
    await conn.end();
    await t.close();
  });

  it('should have generated a county with two townships and a roll-up of every day of activity', async () => {
    expect(points).toHaveLength(24);
    expect(townships).toHaveLength(2);
    expect(pointsUnder(county)).toHaveLength(24);
    expect(range.to >= endDay).toBe(true);
    const [days] = await q('SELECT COUNT(*) AS n FROM rpt_rollup_day WHERE company_id = ? AND computed_at IS NOT NULL', [report.companyId]);
    expect(Number(days.n)).toBe(Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1);
    // the data really has what the dashboards show
    const company = { scope: 'company', from: range.from, to: range.to };
    const d = dashAs(admin);
    expect((await d('intake', company)).rows.length).toBeGreaterThan(3);
    expect((await d('qc-rejects', company)).rows.length).toBeGreaterThan(0);
    expect((await d('sales-by-channel', company)).rows.map((r) => r.channelKind).sort()).toEqual(['LIVESTREAM', 'ONLINE', 'STORE']);
    const earnings = (await d('earnings', company)).rows[0];
    expect(earnings.earnedFen as number).toBeGreaterThan(0);
    expect(earnings.paidFen as number).toBeGreaterThan(0);
    expect((await d('farmers', company)).rows[0].farmersServed as number).toBeGreaterThan(100);
    expect((await d('commissions', company)).rows.length).toBeGreaterThan(0);
    expect((await d('parcels', company)).rows.length).toBeGreaterThan(0);
  });

  it('should answer every dashboard with the direct recount, as admin, for the company, the county, a township and a point', async () => {
    const scopes: RecountScope[] = [
      { name: 'company', q: { scope: 'company' }, points: points.map((p) => p.id) },
      { name: 'county', q: { scope: 'region', regionId: county }, points: pointsUnder(county) },
      { name: 'township 2', q: { scope: 'region', regionId: townships[1] }, points: pointsUnder(townships[1]) },
      { name: 'point', q: { scope: 'point', pointId: points[3].id }, points: [points[3].id] },
    ];
    await assertAllEqualRecount({ dash: dashAs(admin), recount: dashboardRecount(q), scopes, ranges: ranges() });
  }, 300_000);

  it('should change nothing when days are rolled up again one by one (the nightly job), and still equal the recount', async () => {
    // the generator filled them in bulk (a month per transaction); the per-day job must find nothing to change
    const before = await rollupSnapshot(q, report.companyId);
    const day = addDays(range.to, -3);
    const monthBefore = monthStart(addDays(monthStart(range.to), -1));
    await admin.post('/api/v1/reports/rollups/rebuild', { from: day, to: day }).expect(200);
    await admin.post('/api/v1/reports/rollups/rebuild', { from: monthBefore, to: addDays(monthStart(range.to), -1) }).expect(200);
    await admin.post('/api/v1/reports/rollups/rebuild', { from: range.from, to: addDays(range.from, 2) }).expect(200);
    expect(await rollupSnapshot(q, report.companyId)).toBe(before);
    // and the bulk mode run again over the whole span changes nothing either
    await t.app.get(RollupsService).rebuildRangeBulk(report.companyId, range.from, range.to);
    expect(await rollupSnapshot(q, report.companyId)).toBe(before);
    await assertAllEqualRecount({
      dash: dashAs(admin), recount: dashboardRecount(q), ranges: [[day, day], [monthStart(range.to), range.to]],
      scopes: [{ name: 'company', q: { scope: 'company' }, points: points.map((p) => p.id) }],
    });
  }, 300_000);

  it("should give an agent exactly their point's figures and 404 for another point, a region or the company", async () => {
    const agent = as(t.http, (await login(t.http, report.agentUsernames[0])).accessToken);
    const me = (await agent.get('/api/v1/auth/me').expect(200)).body as { pointIds: string[] };
    expect(me.pointIds).toHaveLength(1);
    const mine = String(me.pointIds[0]);
    await assertAllEqualRecount({
      dash: dashAs(agent), recount: dashboardRecount(q), ranges: ranges().slice(0, 2), scopes: [{ name: 'own point', q: { scope: 'point', pointId: mine }, points: [mine] }],
    });
    const other = points.find((p) => p.id !== mine)!.id;
    const r = { from: range.from, to: range.to };
    for (const o of [{ scope: 'point', pointId: other }, { scope: 'region', regionId: townships[0] }, { scope: 'company' }]) {
      for (const name of ['intake', 'earnings', 'farmers']) {
        const res = await agent.get(`/api/v1/dashboards/${name}?${query({ ...o, ...r })}`);
        expect(res.status).toBe(404);
        expectErrorBody(res.body, 404);
      }
    }
  }, 300_000);

  it("should give a township manager exactly their township's figures (and its points') and 404 outside it", async () => {
    // a manager over the first township only (the generator's manager is over the whole city)
    const [hash] = await q('SELECT password_hash FROM staff_user WHERE company_id = ? AND username = ?', [report.companyId, report.adminUsername]);
    const username = `${report.adminUsername}_tmgr`;
    await q(`INSERT INTO staff_user (company_id, username, display_name, password_hash, role, region_id, active) VALUES (?, ?, '镇区域经理', ?, 'REGION_MANAGER', ?, 1)`,
      [report.companyId, username, hash.password_hash, townships[0]]);
    const manager = as(t.http, (await login(t.http, username)).accessToken);
    const inside = pointsUnder(townships[0]);
    await assertAllEqualRecount({
      dash: dashAs(manager), recount: dashboardRecount(q), ranges: ranges().slice(0, 2), scopes: [
        { name: 'own township', q: { scope: 'region', regionId: townships[0] }, points: inside },
        { name: 'a point of it', q: { scope: 'point', pointId: inside[1] }, points: [inside[1]] },
      ],
    });
    const outside = pointsUnder(townships[1])[0];
    const r = { from: range.from, to: range.to };
    for (const o of [{ scope: 'point', pointId: outside }, { scope: 'region', regionId: townships[1] }, { scope: 'region', regionId: county }, { scope: 'company' }]) {
      const res = await manager.get(`/api/v1/dashboards/intake?${query({ ...o, ...r })}`);
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404);
    }
  }, 300_000);
});
