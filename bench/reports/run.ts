/**
 * Dashboards benchmark (ISSUE 9). Run: npm run bench:reports [-- --points 1500 --days 365 --iterations 100 --reseed]
 *
 * Creates and migrates its own database (village_commerce_bench_reports) and seeds, with bare
 * multi-row INSERTs, a city: 10 counties × 10 townships × 15 villages, one commerce point each, and a
 * year of roll-up rows per point and day (intake, QC, rejects, transit loss, sales in 3 channels,
 * earnings, commissions, 30 farmers per point in the year bitmaps, parcel counters of 3 carriers);
 * the region, company and month rows are then summed from the point rows with `INSERT … SELECT … GROUP
 * BY`, as the roll-up job does. Plus the small "now" tables: batches in transit and lots with stock.
 * The seed is reused on later runs unless --reseed.
 *
 * It then times every dashboard through DashboardsService (as the controller calls it) for the city
 * over the last 365 days and over the last 30 days, (100 calls each) after 3 warm-up calls, and prints p50 / p99 of
 * each next to the bare floor measured in the same run (a `SELECT 1` round trip). Target: p99 < 200 ms.
 * Other work on the machine (test suites, other benchmarks) changes the figures.
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';
import { BENCH_SECRETS, bulkInsert, emitResult, flag, hasFlag, insertId, log, openBenchDatabase, pct, regionMaker } from '../support';

const POINTS_PER_TOWNSHIP = 15;
const POINTS = flag('points', 1500);
const DAYS = flag('days', 365);
const ITERATIONS = flag('iterations', 100);
const FARMERS_PER_POINT = 30;
const DB = process.env.BENCH_DB_NAME ?? 'village_commerce_bench_reports';
const COMPANY_CODE = 'BENCHRPT';

Object.assign(process.env, { DB_NAME: DB, QUEUE_PREFIX: 'bench_reports', LOG_LEVEL: 'warn', ...BENCH_SECRETS });

const DAY_MS = 86_400_000;
const shanghaiToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Deterministic pseudo-random numbers, so a reseed gives the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Seeded = { companyId: string; cityId: string; adminId: string };

async function seed(conn: Connection, lastDay: string): Promise<Seeded> {
  const t0 = performance.now();
  const companyId = await insertId(conn, `INSERT INTO company (code, name, active) VALUES (?, '报表基准公司', 1)`, [COMPANY_CODE]);
  const adminId = await insertId(conn, `INSERT INTO staff_user (company_id, username, display_name, password_hash, role, active) VALUES (?, 'bench_rpt_admin', '基准管理员', 'x', 'ADMIN', 1)`, [companyId]);
  const region = regionMaker(conn, 439_700_000_000);
  const province = await region(null, 'PROVINCE', '湖南省');
  const city = await region(province, 'CITY', '益阳市');
  const villages: Array<{ id: string; path: string }> = [];
  const townships = Math.ceil(POINTS / POINTS_PER_TOWNSHIP);
  let county = city;
  for (let t = 0; t < townships; t++) {
    if (t % 10 === 0) county = await region(city, 'COUNTY', `第${t / 10 + 1}县`);
    const township = await region(county, 'TOWNSHIP', `第${t + 1}镇`);
    const rows: unknown[][] = [];
    for (let v = 0; v < POINTS_PER_TOWNSHIP && villages.length + rows.length < POINTS; v++) rows.push([township.id, 'VILLAGE', String(439_710_000_000 + t * 100 + v), `第${t + 1}镇${v + 1}村`, '/']);
    await conn.query('INSERT INTO region (parent_id, level, code, name, path) VALUES ?', [rows]);
    const [vs] = await conn.query('SELECT id FROM region WHERE parent_id = ? ORDER BY id', [township.id]) as unknown as [Array<{ id: string }>];
    await conn.query('UPDATE region SET path = CONCAT(?, id, \'/\') WHERE parent_id = ?', [township.path, township.id]);
    for (const v of vs) villages.push({ id: String(v.id), path: `${township.path}${v.id}/` });
  }
  log(`regions: ${villages.length} villages in ${townships} townships`);
  await bulkInsert(conn, 'commerce_point', ['company_id', 'region_id', 'region_path', 'code', 'name', 'service_center_name', 'address', 'contact_phone', 'opening_hours', 'active'],
    villages.length, (i) => [companyId, villages[i].id, villages[i].path, `P${i}`, `第${i + 1}服务点`, '党群服务中心', '村部', '13800000000', '08:00-18:00', 1]);
  const [pts] = await conn.query('SELECT id, region_id FROM commerce_point WHERE company_id = ? ORDER BY id', [companyId]) as unknown as [Array<{ id: string; region_id: string }>];
  const points = pts.map((p) => ({ id: String(p.id), villageId: String(p.region_id) }));
  await bulkInsert(conn, 'staff_user', ['company_id', 'username', 'display_name', 'password_hash', 'role', 'active'], points.length,
    (i) => [companyId, `bench_rpt_agent_${i}`, `代办员${i + 1}`, 'x', 'AGENT', 1]);
  const [agents] = await conn.query(`SELECT id FROM staff_user WHERE company_id = ? AND role = 'AGENT' ORDER BY id`, [companyId]) as unknown as [Array<{ id: string }>];

  const products: string[] = [];
  for (const [code, name, unit] of [['EGG', '土鸡蛋', 'PIECE'], ['TZC', '坛子菜', 'GRAM'], ['DFR', '豆腐乳', 'JAR']]) {
    products.push(await insertId(conn,
      `INSERT INTO product (company_id, code, name, category, base_unit, units, grades, qc_checklist, shelf_life_days, settlement_mode, max_quantity_base_per_line, active)
       VALUES (?, ?, ?, 'FOOD', ?, '[]', '[]', '[]', 30, 'CONSIGNMENT', 1000000, 1)`, [companyId, code, name, unit]));
  }
  const warehouseId = await insertId(conn, `INSERT INTO warehouse (company_id, region_id, code, name, address, active) VALUES (?, ?, 'BRW', '益阳仓', '益阳', 1)`, [companyId, city.id]);
  const [carriers] = await conn.query(`SELECT id FROM carrier WHERE code IN ('ZTO', 'YD', 'EMS') ORDER BY id`) as unknown as [Array<{ id: string }>];

  const firstDay = addDays(lastDay, -(DAYS - 1));
  const days = Array.from({ length: DAYS }, (_, d) => addDays(firstDay, d));
  const grid = points.length * DAYS;
  const at = (i: number) => ({ p: points[i % points.length], pi: i % points.length, day: days[Math.floor(i / points.length)] });

  /** Point rows of one roll-up table: `make` returns 0..n rows (dims + measures) for a point and day. */
  const pointRows = async (table: string, cols: string[], seedNo: number, make: (r: () => number, pi: number) => unknown[][]) => {
    const r = rng(seedNo);
    const buffer: unknown[][] = [];
    let total = 0;
    const flush = async () => {
      if (!buffer.length) return;
      await conn.query(`INSERT INTO ${table} (company_id, node_kind, node_id, period, day, ${cols.join(', ')}) VALUES ?`, [buffer.splice(0)]);
    };
    for (let i = 0; i < grid; i++) {
      const { p, pi, day } = at(i);
      for (const row of make(r, pi)) { buffer.push([companyId, 'P', p.id, 'D', day, ...row]); total++; }
      if (buffer.length >= 5000) await flush();
    }
    await flush();
    log(`  ${table}: ${total.toLocaleString()} point rows`);
  };
  const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

  await pointRows('rpt_intake', ['product_id', 'grade_code', 'line_count', 'quantity_base', 'amount_fen'], 1, (r) => {
    if (r() > 0.6) return [];
    const p = products[int(r, 0, 2)];
    const out = [[p, 'A', int(r, 1, 5), int(r, 10, 400), int(r, 2000, 80000)]];
    if (r() < 0.3) out.push([p, 'B', int(r, 1, 2), int(r, 5, 100), int(r, 500, 10000)]);
    return out;
  });
  await pointRows('rpt_qc', ['product_id', 'line_count', 'delivered_base', 'inspected_line_count', 'accepted_base', 'rejected_base'], 2, (r) => {
    if (r() > 0.6) return [];
    const d = int(r, 10, 400); const rej = int(r, 0, Math.floor(d / 10));
    return [[products[int(r, 0, 2)], int(r, 1, 5), d, int(r, 1, 5), d - rej, rej]];
  });
  const reasons = ['DAMAGED', 'SPOILED', 'UNDERWEIGHT', 'LEAKING'];
  await pointRows('rpt_qc_reject', ['product_id', 'reason', 'line_count', 'quantity_base'], 3, (r) => (r() > 0.25 ? [] : [[products[int(r, 0, 2)], reasons[int(r, 0, 3)], 1, int(r, 1, 20)]]));
  const causes = ['DAMAGED', 'LOST', 'SPOILED'];
  await pointRows('rpt_transit_loss', ['product_id', 'cause', 'loss_count', 'quantity_base'], 4, (r) => (r() > 0.05 ? [] : [[products[int(r, 0, 2)], causes[int(r, 0, 2)], 1, int(r, 1, 10)]]));
  const channels = ['STORE', 'ONLINE', 'LIVESTREAM'];
  await pointRows('rpt_sales', ['channel_kind', 'allocation_count', 'units_base', 'revenue_fen', 'farmer_fen', 'commission_fen', 'refunded_units_base', 'refunded_farmer_fen'], 5, (r) => {
    if (r() > 0.5) return [];
    return channels.filter(() => r() < 0.5).map((ch) => {
      const rev = int(r, 1000, 200000);
      return [ch, int(r, 1, 20), int(r, 5, 300), rev, Math.floor(rev * 0.6), Math.floor(rev * 0.05), r() < 0.05 ? 3 : 0, 0];
    });
  });
  await pointRows('rpt_earnings', ['hardship', 'earned_fen', 'adjustments_fen', 'balance_change_fen', 'settled_fen', 'statement_count', 'paid_fen', 'payout_count'], 6, (r) => {
    const out: unknown[][] = [];
    for (const hardship of [0, 1]) {
      if (r() > (hardship ? 0.2 : 0.6)) continue;
      const earned = int(r, 1000, 100000); const paid = r() < 0.1 ? int(r, 1000, 300000) : 0;
      out.push([hardship, earned, r() < 0.05 ? -int(r, 100, 1000) : 0, earned - paid, paid ? paid : 0, paid ? 1 : 0, paid, paid ? 1 : 0]);
    }
    return out;
  });
  await conn.query(
    `INSERT INTO rpt_village_income (company_id, node_kind, node_id, period, day, village_id, hardship, earned_fen)
     SELECT t.company_id, 'P', t.node_id, 'D', t.day, cp.region_id, t.hardship, t.earned_fen
       FROM rpt_earnings t JOIN commerce_point cp ON cp.id = t.node_id WHERE t.company_id = ? AND t.node_kind = 'P' AND t.period = 'D'`, [companyId]);
  await pointRows('rpt_commission', ['beneficiary_type', 'beneficiary_id', 'amount_fen', 'entry_count'], 7, (r, pi) => (r() > 0.5 ? [] : [
    ['AGENT', String(agents[pi].id), int(r, 50, 3000), int(r, 1, 5)], ['VILLAGE_COLLECTIVE', points[pi].villageId, int(r, 20, 1000), int(r, 1, 5)],
  ]));

  // points → regions, then every region and the company summed from the point rows, then the months
  await conn.query(
    `INSERT INTO rpt_point_region (company_id, point_id, region_id)
     SELECT cp.company_id, cp.id, r.id FROM commerce_point cp JOIN region r ON cp.region_path LIKE CONCAT(r.path, '%') WHERE cp.company_id = ?`, [companyId]);
  const tables: Array<[string, string[], string[]]> = [
    ['rpt_intake', ['product_id', 'grade_code'], ['line_count', 'quantity_base', 'amount_fen']],
    ['rpt_qc', ['product_id'], ['line_count', 'delivered_base', 'inspected_line_count', 'accepted_base', 'rejected_base']],
    ['rpt_qc_reject', ['product_id', 'reason'], ['line_count', 'quantity_base']],
    ['rpt_transit_loss', ['product_id', 'cause'], ['loss_count', 'quantity_base']],
    ['rpt_sales', ['channel_kind'], ['allocation_count', 'units_base', 'revenue_fen', 'farmer_fen', 'commission_fen', 'refunded_units_base', 'refunded_farmer_fen']],
    ['rpt_earnings', ['hardship'], ['earned_fen', 'adjustments_fen', 'balance_change_fen', 'settled_fen', 'statement_count', 'paid_fen', 'payout_count']],
    ['rpt_commission', ['beneficiary_type', 'beneficiary_id'], ['amount_fen', 'entry_count']],
    ['rpt_village_income', ['village_id', 'hardship'], ['earned_fen']],
  ];
  for (const [table, dims, measures] of tables) {
    const cols = `company_id, node_kind, node_id, period, day, ${[...dims, ...measures].join(', ')}`;
    const td = dims.map((d) => `t.${d}`).join(', ');
    const sums = measures.map((m) => `SUM(t.${m})`).join(', ');
    for (let m = 0; m < DAYS; m += 31) {
      const [a, b] = [days[m], days[Math.min(DAYS - 1, m + 30)]];
      await conn.query(
        `INSERT INTO ${table} (${cols}) SELECT t.company_id, 'R', pr.region_id, 'D', t.day, ${td}, ${sums}
           FROM ${table} t JOIN rpt_point_region pr ON pr.company_id = t.company_id AND pr.point_id = t.node_id
          WHERE t.company_id = ? AND t.node_kind = 'P' AND t.period = 'D' AND t.day BETWEEN ? AND ? GROUP BY t.company_id, pr.region_id, t.day, ${td}`, [companyId, a, b]);
      await conn.query(
        `INSERT INTO ${table} (${cols}) SELECT t.company_id, 'C', t.company_id, 'D', t.day, ${td}, ${sums}
           FROM ${table} t WHERE t.company_id = ? AND t.node_kind = 'P' AND t.period = 'D' AND t.day BETWEEN ? AND ? GROUP BY t.company_id, t.day, ${td}`, [companyId, a, b]);
    }
    await conn.query(
      `INSERT INTO ${table} (${cols}) SELECT t.company_id, t.node_kind, t.node_id, 'M', DATE_FORMAT(t.day, '%Y-%m-01'), ${td}, ${sums}
         FROM ${table} t WHERE t.company_id = ? AND t.period = 'D' GROUP BY t.company_id, t.node_kind, t.node_id, DATE_FORMAT(t.day, '%Y-%m-01'), ${td}`, [companyId]);
    const [[c]] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}`) as unknown as [[{ n: string }]];
    log(`  ${table}: ${Number(c.n).toLocaleString()} rows with regions, company and months`);
  }

  // farmers: 30 per point, active on random days of each year in range
  await bulkInsert(conn, 'farmer', ['company_id', 'name', 'phone', 'village_region_id', 'usual_point_id', 'payout_method', 'hardship', 'created_by'],
    points.length * FARMERS_PER_POINT, (i) => {
      const p = points[Math.floor(i / FARMERS_PER_POINT)];
      return [companyId, `农户${i}`, `13${String(i).padStart(9, '0')}`, p.villageId, p.id, 'CASH', i % 10 === 0 ? 1 : 0, adminId];
    });
  const [farmers] = await conn.query('SELECT id, usual_point_id, hardship FROM farmer WHERE company_id = ? ORDER BY id', [companyId]) as unknown as [Array<{ id: string; usual_point_id: string; hardship: number }>];
  const years = [...new Set(days.map((d) => Number(d.slice(0, 4))))];
  const fr = rng(8);
  const word = () => BigInt(Math.floor(fr() * 2 ** 32)) & BigInt(Math.floor(fr() * 2 ** 32)) & BigInt(Math.floor(fr() * 2 ** 32)); // ~1 day in 8
  const wide = () => ((word() << 32n) | word()).toString();
  const bitmapCols = [0, 1, 2, 3, 4, 5].flatMap((w) => [`served_w${w}`, `active_w${w}`]);
  await bulkInsert(conn, 'rpt_farmer_year', ['company_id', 'node_kind', 'node_id', 'year', 'farmer_id', 'hardship', ...bitmapCols], farmers.length * years.length, (i) => {
    const f = farmers[i % farmers.length];
    const served = [0, 1, 2, 3, 4, 5].map(() => wide());
    return [companyId, 'P', f.usual_point_id, years[Math.floor(i / farmers.length)], f.id, f.hardship, ...served.flatMap((s) => [s, s])];
  });
  const bitOr = bitmapCols.map((c) => `BIT_OR(y.${c})`).join(', ');
  await conn.query(
    `INSERT INTO rpt_farmer_year (company_id, node_kind, node_id, year, farmer_id, hardship, ${bitmapCols.join(', ')})
     SELECT y.company_id, 'R', pr.region_id, y.year, y.farmer_id, MAX(y.hardship), ${bitOr}
       FROM rpt_farmer_year y JOIN rpt_point_region pr ON pr.company_id = y.company_id AND pr.point_id = y.node_id
      WHERE y.company_id = ? AND y.node_kind = 'P' GROUP BY y.company_id, pr.region_id, y.year, y.farmer_id`, [companyId]);
  await conn.query(
    `INSERT INTO rpt_farmer_year (company_id, node_kind, node_id, year, farmer_id, hardship, ${bitmapCols.join(', ')})
     SELECT y.company_id, 'C', y.company_id, y.year, y.farmer_id, MAX(y.hardship), ${bitOr}
       FROM rpt_farmer_year y WHERE y.company_id = ? AND y.node_kind = 'P' GROUP BY y.company_id, y.year, y.farmer_id`, [companyId]);
  log(`  rpt_farmer_year: ${farmers.length.toLocaleString()} farmers × ${years.length} years, with regions and company`);

  // parcels: the parcel station's own counters, per point and day, and per region by day, month, year
  const pr = rng(9);
  await bulkInsert(conn, 'parcel_daily_count', ['point_id', 'carrier_id', 'business_day', 'direction', 'received', 'collected', 'returned', 'sent'], grid * 3, (i) => {
    const { p, day } = at(Math.floor(i / 3));
    const k = i % 3;
    const down = int(pr, 0, 12);
    return k < 2 ? [p.id, carriers[k].id, day, 'DOWN', down, down, 0, 0] : [p.id, carriers[2].id, day, 'UP', 0, 0, 0, int(pr, 0, 2)];
  }, 'parcel_daily_count');
  // day rows month by month (bounded temporary tables), then months and years from the day rows
  for (let m = 0; m < DAYS; m += 31) {
    await conn.query(
      `INSERT INTO parcel_region_count (company_id, region_id, period, period_start, carrier_id, direction, received, collected, returned, sent, pickup_wait_seconds)
       SELECT ?, pr.region_id, 'D', d.business_day, d.carrier_id, d.direction, SUM(d.received), SUM(d.collected), SUM(d.returned), SUM(d.sent), 0
         FROM parcel_daily_count d JOIN rpt_point_region pr ON pr.company_id = ? AND pr.point_id = d.point_id
        WHERE d.business_day BETWEEN ? AND ? GROUP BY pr.region_id, d.business_day, d.carrier_id, d.direction`,
      [companyId, companyId, days[m], days[Math.min(DAYS - 1, m + 30)]]);
  }
  for (const [period, start] of [['M', `DATE_FORMAT(r.period_start, '%Y-%m-01')`], ['Y', `DATE_FORMAT(r.period_start, '%Y-01-01')`]]) {
    await conn.query(
      `INSERT INTO parcel_region_count (company_id, region_id, period, period_start, carrier_id, direction, received, collected, returned, sent, pickup_wait_seconds)
       SELECT r.company_id, r.region_id, ?, ${start}, r.carrier_id, r.direction, SUM(r.received), SUM(r.collected), SUM(r.returned), SUM(r.sent), 0
         FROM parcel_region_count r WHERE r.company_id = ? AND r.period = 'D' GROUP BY r.company_id, r.region_id, ${start}, r.carrier_id, r.direction`,
      [period, companyId]);
  }
  log('  parcel_region_count: regions by day, month and year');

  // now figures: 200 batches in transit, 2,000 lots with stock of 20 SKUs
  await bulkInsert(conn, 'batch', ['company_id', 'point_id', 'warehouse_id', 'client_id', 'batch_no', 'status', 'created_by', 'dispatched_at'], 200,
    (i) => [companyId, points[(i * 7) % points.length].id, warehouseId, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `B${i}`, 'DISPATCHED', adminId, new Date(Date.now() - (i % 48) * 3600_000)]);
  const skus: string[] = [];
  for (let k = 0; k < 20; k++) {
    skus.push(await insertId(conn, `INSERT INTO sku (company_id, product_id, code, name, content_unit, content_base_per_pack) VALUES (?, ?, ?, ?, 'JAR', 3)`, [companyId, products[k % 3], `SKU${k}`, `商品${k}`]));
  }
  await bulkInsert(conn, 'lot', ['company_id', 'warehouse_id', 'sku_id', 'product_id', 'processing_id', 'lot_no', 'trace_code', 'packs_produced', 'on_hand_packs', 'earliest_intake_at', 'best_before', 'packed_at'], 2000,
    (i) => [companyId, warehouseId, skus[i % 20], products[i % 3], 1, `L${i}`, `BR${String(i).padStart(10, '0')}`, 50, 1 + (i % 50), new Date(), addDays(lastDay, 10 + (i % 60)), new Date()]);
  log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { companyId, cityId: city.id, adminId };
}

async function main(): Promise<void> {
  const conn = await openBenchDatabase(DB, hasFlag('reseed'));
  const lastDay = addDays(shanghaiToday(), -1);
  const [[found]] = await conn.query(`SELECT c.id, (SELECT COUNT(*) FROM commerce_point WHERE company_id = c.id) AS points FROM company c WHERE c.code = ?`, [COMPANY_CODE]) as unknown as [[{ id: string; points: string } | undefined]];
  let seeded: Seeded;
  if (found && Number(found.points) === POINTS) {
    const [[city]] = await conn.query(`SELECT id FROM region WHERE level = 'CITY' AND code = '439700000001'`) as unknown as [[{ id: string }]];
    const [[admin]] = await conn.query(`SELECT id FROM staff_user WHERE username = 'bench_rpt_admin'`) as unknown as [[{ id: string }]];
    seeded = { companyId: String(found.id), cityId: String(city.id), adminId: String(admin.id) };
    log(`reusing the seed: ${POINTS} points (use --reseed for a fresh one ending yesterday)`);
  } else {
    if (found) throw new Error('the bench database holds another size; run with --reseed');
    log(`seeding a city: ${POINTS} points, ${DAYS} days ending ${lastDay}…`);
    seeded = await seed(conn, lastDay);
  }
  const [[span]] = await conn.query(`SELECT DATE_FORMAT(MAX(day), '%Y-%m-%d') AS last FROM rpt_intake WHERE period = 'D'`) as unknown as [[{ last: string }]];
  const to = span.last;
  const ranges: Array<[string, string, string]> = [['year', addDays(to, -(DAYS - 1)), to], ['month', addDays(to, -29), to]];

  const { AppModule } = await import('../../src/app.module');
  const { DashboardsService } = await import('../../src/reports/dashboards.service');
  const { DASHBOARD_NAMES } = await import('../../src/reports/dashboard-columns');
  const { DashboardScope } = await import('../../src/reports/dto/dashboard-query.dto');
  const { Role } = await import('../../src/common/access/role.enum');
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const dashboards = app.get(DashboardsService);
  const admin = { kind: 'staff' as const, id: seeded.adminId, role: Role.ADMIN, companyId: seeded.companyId, pointIds: [], warehouseIds: [], regionPath: null };

  const time = async (fn: () => Promise<unknown>) => {
    for (let w = 0; w < 3; w++) await fn();
    const ms: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b);
  };
  const bare = await time(() => conn.query('SELECT 1'));
  const results: Array<{ name: string; range: string; rows: number; p50: number; p99: number }> = [];
  for (const name of DASHBOARD_NAMES) {
    for (const [range, from, toDay] of ranges) {
      const query = { scope: DashboardScope.REGION, regionId: seeded.cityId, from, to: toDay };
      let rows = 0;
      const ms = await time(async () => { rows = (await dashboards.run(name, admin, query)).rows.length; });
      results.push({ name, range, rows, p50: pct(ms, 50), p99: pct(ms, 99) });
      log(`  ${name} (${range}): p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms, ${rows} rows`);
    }
  }
  // the cross-year farmer count (rows folded per farmer) against COUNT(DISTINCT) of the same bitmaps
  const { yearMasks } = await import('../../src/reports/dashboards.service');
  const [yFrom, , yTo] = [ranges[0][1], null, ranges[0][2]];
  const cond = (kind: string) => [Number(yFrom.slice(0, 4)), Number(yTo.slice(0, 4))].filter((y, i, a) => a.indexOf(y) === i).map((y) => {
    const first = yFrom > `${y}-01-01` ? yFrom : `${y}-01-01`;
    const last = yTo < `${y}-12-31` ? yTo : `${y}-12-31`;
    const idx = (d: string) => Math.round((Date.parse(`${d}T00:00:00Z`) - Date.parse(`${y}-01-01T00:00:00Z`)) / DAY_MS);
    const terms = yearMasks(idx(first), idx(last)).map((m, w) => (m === 0n ? null : `(${kind}_w${w} & CAST(${m} AS UNSIGNED))`)).filter(Boolean);
    return `(year = ${y} AND (${terms.join(' | ')}) <> 0)`;
  }).join(' OR ');
  const [[direct]] = await conn.query(
    `SELECT COUNT(DISTINCT CASE WHEN ${cond('served')} THEN farmer_id END) AS served, COUNT(DISTINCT CASE WHEN ${cond('active')} THEN farmer_id END) AS active
       FROM rpt_farmer_year WHERE company_id = ? AND node_kind = 'R' AND node_id = ?`, [seeded.companyId, seeded.cityId]) as unknown as [[{ served: string; active: string }]];
  const viaService = (await dashboards.run('farmers', admin, { scope: DashboardScope.REGION, regionId: seeded.cityId, from: yFrom, to: yTo })).rows[0];
  if (Number(direct.served) !== viaService.farmersServed || Number(direct.active) !== viaService.activeHouseholds) {
    throw new Error(`farmer counts differ: service ${JSON.stringify(viaService)} vs COUNT(DISTINCT) ${JSON.stringify(direct)}`);
  }
  log(`farmers over ${yFrom}..${yTo}: ${viaService.farmersServed} served, ${viaService.activeHouseholds} active (= COUNT(DISTINCT) over the bitmaps)`);
  await app.close();

  const [[size]] = await conn.query(`SELECT (SELECT COUNT(*) FROM rpt_intake) + (SELECT COUNT(*) FROM rpt_qc) + (SELECT COUNT(*) FROM rpt_qc_reject) + (SELECT COUNT(*) FROM rpt_transit_loss)
    + (SELECT COUNT(*) FROM rpt_sales) + (SELECT COUNT(*) FROM rpt_earnings) + (SELECT COUNT(*) FROM rpt_commission) + (SELECT COUNT(*) FROM rpt_village_income) AS sums, (SELECT COUNT(*) FROM rpt_farmer_year) AS farmer_years,
    (SELECT COUNT(*) FROM parcel_daily_count) + (SELECT COUNT(*) FROM parcel_region_count) AS parcels`) as unknown as [[Record<string, string>]];
  process.stdout.write(`\ncity of ${POINTS} points, ${DAYS} days to ${to}; roll-up rows: ${Number(size.sums).toLocaleString()} sums, ${Number(size.farmer_years).toLocaleString()} farmer-years, ${Number(size.parcels).toLocaleString()} parcel counters\n`);
  process.stdout.write(`bare floor (SELECT 1 round trip): p50 ${pct(bare, 50).toFixed(2)} ms, p99 ${pct(bare, 99).toFixed(2)} ms; ${ITERATIONS} timed calls each after 3 warm-ups\n\n`);
  process.stdout.write('| dashboard | city, 365 days p50 / p99 (ms) | city, 30 days p50 / p99 (ms) | rows (year) | target p99 < 200 ms |\n|---|---|---|---|---|\n');
  for (const name of DASHBOARD_NAMES) {
    const y = results.find((r) => r.name === name && r.range === 'year')!;
    const m = results.find((r) => r.name === name && r.range === 'month')!;
    const met = Math.max(y.p99, m.p99) < 200 ? 'met' : 'NOT met';
    process.stdout.write(`| ${name} | ${y.p50.toFixed(1)} / ${y.p99.toFixed(1)} | ${m.p50.toFixed(1)} / ${m.p99.toFixed(1)} | ${y.rows} | ${met} |\n`);
    emitResult({ figure: `reports: ${name} p99, ${POINTS} points, ${DAYS} days`, value: y.p99, unit: 'ms', target: '< 200 ms', baseline: pct(bare, 99) });
  }
  await conn.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
