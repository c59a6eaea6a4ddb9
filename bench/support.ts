/** Helpers the benchmarks share: flags, log lines, percentiles, bare inserts, a region tree, their own migrated database. */
import { Connection, createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { randomUUID } from 'crypto';
import { performance } from 'perf_hooks';

const args = process.argv.slice(2);

/** `--name N` from the command line, or the fallback. */
export const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

export const hasFlag = (name: string) => args.includes(`--${name}`);

export const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** The p-th percentile of ascending values. */
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function insertId(conn: Connection, sql: string, params: unknown[]): Promise<string> {
  const [res] = await conn.query(sql, params);
  return String((res as { insertId: number }).insertId);
}

export type RegionRef = { id: string; path: string };

/** Inserts regions with codes counting up from `firstCode`, each with its materialized path. */
export function regionMaker(conn: Connection, firstCode: number) {
  let code = firstCode;
  return async (parent: RegionRef | null, level: string, name: string): Promise<RegionRef> => {
    const id = await insertId(conn, 'INSERT INTO region (parent_id, level, code, name, path) VALUES (?, ?, ?, ?, ?)', [parent?.id ?? null, level, String(code++), name, '/']);
    const path = `${parent?.path ?? '/'}${id}/`;
    await conn.query('UPDATE region SET path = ? WHERE id = ?', [path, id]);
    return { id, path };
  };
}

/** Creates the benchmark's own database (dropped first with reseed), migrates it, and opens a bare connection. */
const benchServer = () => ({ host: process.env.DB_HOST ?? '127.0.0.1', port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USER ?? 'root', password: process.env.DB_PASSWORD ?? '' });

/** Another plain connection to a bench database (opened by `openBenchDatabase`), for bare writers running side by side. */
export const openBenchConnection = (db: string): Promise<Connection> =>
  createConnection({ ...benchServer(), database: db, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });

export async function openBenchDatabase(db: string, reseed: boolean): Promise<Connection> {
  const server = benchServer();
  const root = await createConnection(server);
  if (reseed) await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await root.end();
  // Migrate with the project's own options (DB_NAME is set by the caller).
  const { buildDataSourceOptions } = await import('../src/database/data-source-options');
  const ds = await new DataSource(buildDataSourceOptions()).initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return openBenchConnection(db);
}

/**
 * Demo-only secrets every benchmark's app needs to boot (never used outside a bench database).
 * Variables already set in the environment win.
 */
export const BENCH_SECRETS: Record<string, string> = {
  JWT_SECRET: process.env.JWT_SECRET ?? 'bench-only-secret-0123456789abcdef0123456789',
  FIELD_ENCRYPTION_KEY: process.env.FIELD_ENCRYPTION_KEY ?? 'YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OWE=',
  BLIND_INDEX_KEY: process.env.BLIND_INDEX_KEY ?? 'YmVuY2gtb25seS1ibGluZC1pbmRleC0wMTIzNDU2Nzg=',
  SMS_WEBHOOK_SECRET: process.env.SMS_WEBHOOK_SECRET ?? 'bench-only-sms-webhook-secret-0123',
};

/** Streams generated rows into a table, 5,000 rows a statement. */
export async function bulkInsert(conn: Connection, table: string, columns: string[], count: number, row: (i: number) => unknown[], label = table): Promise<void> {
  const ROWS = 5_000;
  const t0 = performance.now();
  for (let i = 0; i < count; i += ROWS) {
    const rows: unknown[][] = [];
    for (let k = i; k < Math.min(count, i + ROWS); k++) rows.push(row(k));
    await conn.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [rows]);
    if ((i / ROWS) % 200 === 199) log(`  ${label}: ${(i + ROWS).toLocaleString()} / ${count.toLocaleString()}`);
  }
  log(`  ${label}: ${count.toLocaleString()} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** What a benchmark's goods are: one consignment-mode product, its SKU, and what every line carries. */
export type InspectedGoodsSpec = {
  companyCode: string;
  adminUsername: string;
  villages: number;
  farmers: number;
  lines: number;
  product: { code: string; name: string; baseUnit: 'PIECE' | 'GRAM' | 'JAR'; unitName: string; unitSizeBase: number };
  sku: { code: string; name: string; contentBasePerPack: number };
  /** per consignment line, fully accepted at grade A: quantity as typed, in base units, and the price per display unit */
  line: { quantityText: string; quantityBase: number; priceFen: number };
};

export type SeededGoods = {
  companyId: string; pointId: string; warehouseId: string; userId: string; productId: string; skuId: string;
  farmerBase: number; firstLineId: number; firstConsignmentId: number; lineCount: number; captured: Date;
  villageNames: string[]; surnames: string;
};

/**
 * Seeds with bare multi-row INSERTs what warehouse and sales benchmarks start from: a region tree,
 * one point and warehouse, farmers, and consignments of two lines each, inspected and fully accepted,
 * already batched, with their QC rows.
 */
export async function seedInspectedGoods(conn: Connection, spec: InspectedGoodsSpec): Promise<SeededGoods> {
  const companyId = await insertId(conn, 'INSERT INTO company (code, name, active) VALUES (?, ?, 1)', [spec.companyCode, '基准测试公司']);
  const region = regionMaker(conn, 439_800_000_000);
  const province = await region(null, 'PROVINCE', '湖南省');
  const city = await region(province, 'CITY', '益阳市');
  const county = await region(city, 'COUNTY', '桃江县');
  const township = await region(county, 'TOWNSHIP', '修山镇');
  const villages: Array<{ id: string; path: string }> = [];
  const villageNames: string[] = [];
  for (let v = 0; v < spec.villages; v++) {
    villageNames.push(`第${v + 1}村`);
    villages.push(await region(township, 'VILLAGE', villageNames[v]));
  }
  const pointId = await insertId(conn,
    `INSERT INTO commerce_point (company_id, region_id, region_path, code, name, service_center_name, address, contact_phone, opening_hours, active)
     VALUES (?, ?, ?, 'BWH', '基准服务点', '基准党群服务中心', '村部', '13800000000', '08:00-18:00', 1)`, [companyId, villages[0].id, villages[0].path]);
  const warehouseId = await insertId(conn, `INSERT INTO warehouse (company_id, region_id, code, name, address, active) VALUES (?, ?, 'BWH', '基准仓', '益阳', 1)`, [companyId, city.id]);
  const userId = await insertId(conn, `INSERT INTO staff_user (company_id, username, display_name, password_hash, role, active) VALUES (?, ?, '基准管理员', 'x', 'ADMIN', 1)`, [companyId, spec.adminUsername]);
  const { product: p, sku, line } = spec;
  const productId = await insertId(conn,
    `INSERT INTO product (company_id, code, name, category, base_unit, units, grades, qc_checklist, shelf_life_days, settlement_mode, max_quantity_base_per_line, active)
     VALUES (?, ?, ?, '腌制品', ?, ?, '[{"code":"A","name":"一级"}]', '[{"key":"seal","label":"密封完好"}]', 180, 'CONSIGNMENT', 100000, 1)`,
    [companyId, p.code, p.name, p.baseUnit, JSON.stringify([{ name: p.unitName, baseUnitsPerDisplayUnit: p.unitSizeBase }])]);
  const skuId = await insertId(conn, 'INSERT INTO sku (company_id, product_id, code, name, content_unit, content_base_per_pack, active) VALUES (?, ?, ?, ?, ?, ?, 1)',
    [companyId, productId, sku.code, sku.name, p.baseUnit, sku.contentBasePerPack]);
  const nextId = async (table: string) => Number((await conn.query(`SELECT COALESCE(MAX(id), 0) + 1 AS id FROM ${table}`) as unknown as [[{ id: number }]])[0][0].id);
  const farmerBase = await nextId('farmer');
  const surnames = '吴李张王刘陈杨赵黄周';
  await bulkInsert(conn, 'farmer', ['company_id', 'name', 'phone', 'village_region_id', 'usual_point_id', 'payout_method', 'sms_consent', 'hardship', 'show_name_on_trace', 'active', 'created_by'],
    spec.farmers, (i) => [companyId, `${surnames[i % 10]}金${i}`, `139${String(i).padStart(8, '0')}`, villages[i % spec.villages].id, pointId, 'CASH', 1, 0, i % 5 === 0 ? 1 : 0, 1, userId]);
  const captured = new Date(Date.now() - 86400_000);
  const amountFen = Math.round((line.quantityBase * line.priceFen) / p.unitSizeBase);
  const cBase = await nextId('consignment');
  await bulkInsert(conn, 'consignment', ['id', 'company_id', 'point_id', 'farmer_id', 'client_id', 'request_hash', 'receipt_no', 'business_day', 'captured_at', 'received_at', 'status', 'line_count', 'estimated_amount_fen', 'created_by'],
    Math.ceil(spec.lines / 2), (i) => [cBase + i, companyId, pointId, farmerBase + (i % spec.farmers), randomUUID(), 'x'.repeat(64), `BWH-B-${i}`, '2026-01-01', captured, captured, 'BATCHED', 2, 2 * amountFen, userId]);
  const lBase = await nextId('consignment_line');
  await bulkInsert(conn, 'consignment_line', ['id', 'consignment_id', 'line_no', 'product_id', 'declared_grade_code', 'quantity_text', 'unit_name', 'unit_size_base', 'quantity_base', 'price_fen', 'price_unit_name', 'price_unit_size_base', 'settlement_mode', 'estimated_amount_fen', 'status', 'accepted_quantity_base', 'batched_quantity_base', 'accepted_amount_fen'],
    spec.lines, (i) => [lBase + i, cBase + Math.floor(i / 2), (i % 2) + 1, productId, 'A', line.quantityText, p.unitName, p.unitSizeBase, line.quantityBase, line.priceFen, p.unitName, p.unitSizeBase, 'CONSIGNMENT', amountFen, 'BATCHED', line.quantityBase, line.quantityBase, amountFen]);
  const qBase = await nextId('quality_check');
  await bulkInsert(conn, 'quality_check', ['id', 'consignment_id', 'line_id', 'revision', 'request_hash', 'checked_by', 'checked_at', 'accepted_quantity_base', 'rejected_quantity_base', 'checklist'],
    spec.lines, (i) => [qBase + i, cBase + Math.floor(i / 2), lBase + i, 1, 'x'.repeat(64), userId, captured, line.quantityBase, 0, '{"seal":true}']);
  await bulkInsert(conn, 'quality_check_grade', ['quality_check_id', 'line_id', 'grade_code', 'quantity_base', 'price_fen', 'price_unit_size_base', 'amount_fen', 'settlement_mode'],
    spec.lines, (i) => [qBase + i, lBase + i, 'A', line.quantityBase, line.priceFen, p.unitSizeBase, amountFen, 'CONSIGNMENT']);
  return {
    companyId, pointId, warehouseId, userId, productId, skuId, farmerBase, firstLineId: lBase, firstConsignmentId: cBase,
    lineCount: spec.lines, captured, villageNames, surnames,
  };
}

/** One figure of a benchmark, for `npm run bench` (bench/run-all.ts) to collect. */
export type BenchResult = {
  figure: string;
  value: number;
  /** 'ms', 's', '/s', '×' … */
  unit: string;
  /** what it should reach, as text ('< 20 ms', '≥ 0.5× bare') */
  target?: string | null;
  /** the bare-SQL figure of the same thing measured in the same run, same unit */
  baseline?: number | null;
};

/** Prints a machine-readable line `BENCH_RESULT {json}` next to the human-readable output. */
export function emitResult(r: BenchResult): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...r, value: round(r.value), baseline: r.baseline === undefined || r.baseline === null ? null : round(r.baseline) })}\n`);
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v);
