import { randomInt } from 'crypto';
import request from 'supertest';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival, manifestCsv, phone, upParcel, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, login } from '../support/http';

describe('Parcel counts: exact counters, region roll-ups, up share (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
  });
  afterAll(() => t.close());

  const points = () => [org.pointA, org.pointB];
  const agentFor = (pointId: string) => (pointId === org.pointA.id ? c.agentA : c.agentB);
  const carriers = ['ZTO', 'YD', 'JT', 'SF'];

  /** Counters rebuilt from the parcel tables, keyed like parcel_daily_count. */
  async function recount(): Promise<Record<string, number[]>> {
    const ids = points().map((p) => p.id);
    const day = (col: string) => `DATE_FORMAT(CONVERT_TZ(${col}, '+00:00', '+08:00'), '%Y-%m-%d')`;
    const q = (sql: string) => t.dataSource.query(sql, [ids]);
    const result: Record<string, number[]> = {};
    const add = (rows: Array<{ point_id: string; carrier_id: string; day: string; n: string }>, dir: string, index: number) => {
      for (const r of rows) {
        const key = `${r.point_id}|${r.carrier_id}|${r.day}|${dir}`;
        result[key] ??= [0, 0, 0, 0];
        result[key][index] += Number(r.n);
      }
    };
    add(await q(`SELECT point_id, carrier_id, ${day('arrived_at')} AS day, COUNT(*) AS n FROM down_parcel WHERE point_id IN (?) GROUP BY 1, 2, 3`), 'DOWN', 0);
    add(await q(`SELECT point_id, carrier_id, ${day('collected_at')} AS day, COUNT(*) AS n FROM down_parcel WHERE point_id IN (?) AND collected_at IS NOT NULL GROUP BY 1, 2, 3`), 'DOWN', 1);
    add(await q(`SELECT point_id, carrier_id, ${day('returned_at')} AS day, COUNT(*) AS n FROM down_parcel WHERE point_id IN (?) AND returned_at IS NOT NULL GROUP BY 1, 2, 3`), 'DOWN', 2);
    add(await q(`SELECT point_id, carrier_id, ${day('sent_at')} AS day, COUNT(*) AS n FROM up_parcel WHERE point_id IN (?) GROUP BY 1, 2, 3`), 'UP', 3);
    return result;
  }

  async function counters(): Promise<Record<string, number[]>> {
    const rows = await t.dataSource.query(
      `SELECT point_id, carrier_id, DATE_FORMAT(business_day, '%Y-%m-%d') AS day, direction, received, collected, returned, sent
         FROM parcel_daily_count WHERE point_id IN (?)`, [points().map((p) => p.id)]);
    return Object.fromEntries(rows.map((r: Record<string, string>) => [
      `${r.point_id}|${r.carrier_id}|${r.day}|${r.direction}`, [Number(r.received), Number(r.collected), Number(r.returned), Number(r.sent)],
    ]));
  }

  it('should keep counters equal to a recount after a random mix of arrivals, pickups, returns and sends (some concurrent)', async () => {
    const tokens = {
      [org.pointA.id]: (await login(t.http, org.users.agentA.username)).accessToken,
      [org.pointB.id]: (await login(t.http, org.users.agentB.username)).accessToken,
    };
    const waiting: Array<{ id: string; pointId: string; code: string }> = [];
    for (let round = 0; round < 8; round++) {
      const ops: Array<Promise<unknown>> = [];
      for (let i = 0; i < 6; i++) {
        const point = points()[randomInt(2)];
        const agent = agentFor(point.id);
        const roll = randomInt(100);
        if (roll < 35) {
          ops.push(agent.post(`/api/v1/points/${point.id}/parcels`, arrival({ carrierCode: carriers[randomInt(carriers.length)] })).then((r) => {
            expect(r.status).toBe(201);
            waiting.push({ id: r.body.id, pointId: point.id, code: r.body.pickupCode });
          }));
        } else if (roll < 50) {
          const csv = manifestCsv(Array.from({ length: 1 + randomInt(5) }, () => [waybill('R'), carriers[randomInt(carriers.length)], '张三', phone(), 300]));
          ops.push(request(t.http).post(`/api/v1/points/${point.id}/parcels/manifest`).set('Authorization', `Bearer ${tokens[point.id]}`)
            .set('Content-Type', 'text/csv').send(csv).then((r) => expect(r.status).toBe(201)));
        } else if (roll < 70 && waiting.length > 0) {
          const p = waiting.splice(randomInt(waiting.length), 1)[0];
          ops.push(agentFor(p.pointId).post(`/api/v1/points/${p.pointId}/parcels/pickup`, { code: p.code }).then((r) => expect(r.status).toBe(200)));
        } else if (roll < 80 && waiting.length > 0) {
          const p = waiting.splice(randomInt(waiting.length), 1)[0];
          ops.push(agentFor(p.pointId).post(`/api/v1/parcels/${p.id}/return`, { returnWaybillNo: waybill('RT') }).then((r) => expect(r.status).toBe(200)));
        } else {
          ops.push(agent.post(`/api/v1/points/${point.id}/up-parcels`, upParcel({ carrierCode: carriers[randomInt(carriers.length)] })).then((r) => expect(r.status).toBe(201)));
        }
      }
      await Promise.all(ops);
    }
    // Make sure every kind of event happened at least once.
    const p = (await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival()).expect(201)).body;
    await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels/pickup`, { code: p.pickupCode }).expect(200);
    const q = (await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival()).expect(201)).body;
    await c.agentA.post(`/api/v1/parcels/${q.id}/return`, { returnWaybillNo: waybill('RT') }).expect(200);
    await c.agentA.post(`/api/v1/points/${org.pointA.id}/up-parcels`, upParcel()).expect(201);

    expect(await counters()).toEqual(await recount());

    // The regional roll-ups hold the same totals at every level above the points.
    const totals = Object.values(await recount()).reduce((s, v) => s.map((x, i) => x + v[i]), [0, 0, 0, 0]);
    for (const region of [org.regions.township, org.regions.county, org.regions.city, org.regions.province]) {
      for (const period of ['D', 'M', 'Y']) {
        const [row] = await t.dataSource.query(
          `SELECT SUM(received) AS r, SUM(collected) AS c, SUM(returned) AS t, SUM(sent) AS s FROM parcel_region_count
            WHERE company_id = ? AND region_id = ? AND period = ?`, [org.company.id, region.id, period]);
        expect([Number(row.r), Number(row.c), Number(row.t), Number(row.s)]).toEqual(totals);
      }
    }
  });

  it('should report a county by month with the up share, per carrier, to admins and the region manager only', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const url = `/api/v1/parcel-counts/regions/${org.regions.county.id}?period=month&from=${today.slice(0, 4)}-01-01&to=${today}`;
    const res = await c.manager.get(url).expect(200);
    const totals = Object.values(await recount()).reduce((s, v) => s.map((x, i) => x + v[i]), [0, 0, 0, 0]);
    expect(res.body.total).toEqual(expect.objectContaining({ received: totals[0], collected: totals[1], returned: totals[2], sent: totals[3] }));
    expect(res.body.total.upSharePercent).toBeCloseTo((totals[3] * 100) / (totals[0] + totals[3]), 2);
    expect(res.body.periods).toHaveLength(1);
    expect(res.body.periods[0].periodStart).toBe(`${today.slice(0, 7)}-01`);
    expect(res.body.periods[0].byCarrier.map((x: { carrierCode: string }) => x.carrierCode)).toEqual(expect.arrayContaining(['ZTO']));
    const year = await c.admin.get(`/api/v1/parcel-counts/regions/${org.regions.city.id}?period=year&from=${today}&to=${today}`).expect(200);
    expect(year.body.total.received).toBe(totals[0]);
    const day = await c.admin.get(`/api/v1/parcel-counts/regions/${org.regions.township.id}?period=day&from=${today}&to=${today}`).expect(200);
    expect(day.body.periods[0].periodStart).toBe(today);

    await c.manager.get(`/api/v1/parcel-counts/regions/${org.regions.otherCity.id}?from=${today}&to=${today}`).expect(404);
    await c.agentA.get(url).expect(403);
    const other = await createTestOrg(t.dataSource);
    const otherAdmin = (await callersFor(t.http, { admin: other.users.admin })).admin;
    // Another company's admin sees its own (empty) figures, never ours.
    expect((await otherAdmin.get(url).expect(200)).body.total.received).toBe(0);
  });

  it('should give a point its uncollected, overdue and average pickup time, and daily counts', async () => {
    const stats = await c.agentA.get(`/api/v1/points/${org.pointA.id}/parcel-stats`).expect(200);
    const [open] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM down_parcel WHERE point_id = ? AND status = 'AWAITING_PICKUP'`, [org.pointA.id]);
    expect(stats.body.awaitingPickup).toBe(Number(open.n));
    expect(stats.body.collectedLast30Days).toBeGreaterThanOrEqual(1);
    expect(stats.body.averagePickupMinutesLast30Days).toBe(0);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const daily = await c.agentA.get(`/api/v1/points/${org.pointA.id}/parcel-counts?from=${today}&to=${today}`).expect(200);
    expect(daily.body.length).toBeGreaterThanOrEqual(1);
    await c.agentA.get(`/api/v1/points/${org.pointB.id}/parcel-stats`).expect(404);
    await c.agentA.get(`/api/v1/points/${org.pointA.id}/parcel-counts?from=2026-13-01&to=${today}`).expect(400);
  });
});
