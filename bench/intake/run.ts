/* eslint-disable no-console */
/**
 * Intake benchmark: N concurrent agents post 3-line consignments to the real API for a fixed time,
 * then a bare mysql2 writer writes the same rows (header + 3 lines + outbox + audit, one
 * transaction each, same receipt counter) at the same concurrency. Prints req/s, p50, p99 and the
 * ratio API / bare. Uses its own database (village_commerce_bench) and Redis prefix.
 *
 *   npm run bench:intake                       # 32 agents, 20 s per phase
 *   BENCH_CONCURRENCY=8 BENCH_SECONDS=10 npm run bench:intake
 *   BENCH_HTTP_FLOOR=1 npm run bench:intake    # first a plain node:http server: HTTP's own cost
 *   BENCH_API_DIST=dist-before npm run bench:intake   # another build of the API (e.g. an earlier commit)
 *   BENCH_COMPARE_DIST=dist-before npm run bench:intake   # both builds, measured in alternating slices
 *   BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/intakeprof" …   # then bench/intake/profile-summary.js
 */
import 'reflect-metadata';
import { ChildProcess, execSync, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import http from 'http';
import { readFileSync } from 'fs';
import { AddressInfo, createServer } from 'net';
import path from 'path';
import { createConnection, createPool, Pool } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { hashPassword } from '../../src/auth/password';
import { Role } from '../../src/common/access/role.enum';
import { businessDay } from '../../src/common/business-day';
import { readDatabaseConfig } from '../../src/config/database.config';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { DEMO_PRICES_FROM, DEMO_PRODUCTS } from '../../src/demo/demo-catalog';
import { emitResult } from '../support';

const ROOT = path.join(__dirname, '..', '..');
const DB_NAME = process.env.BENCH_DB_NAME ?? 'village_commerce_bench';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** API processes sharing the port (`API_PROCESSES`), each with its share of the database connections */
const API_PROCESSES = Number(process.env.BENCH_API_PROCESSES ?? 1);
const WARMUP_SECONDS = 2;
const FARMERS_PER_POINT = 20;
const PASSWORD = 'Bench@password-1';
const ENV = {
  ...process.env,
  NODE_ENV: 'production',
  DB_NAME,
  DB_POOL_SIZE: String(Math.ceil(CONCURRENCY / API_PROCESSES)),
  API_PROCESSES: String(API_PROCESSES),
  QUEUE_PREFIX: 'vc_bench',
  JWT_SECRET: 'bench-only-secret-0123456789abcdef0123456789',
  SMS_WEBHOOK_SECRET: 'bench-only-sms-webhook-secret-0123',
  FIELD_ENCRYPTION_KEY: 'YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OWE=',
  BLIND_INDEX_KEY: 'YmVuY2gtb25seS1ibGluZC1pbmRleC0wMTIzNDU2Nzg=',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
};

type Seed = {
  companyId: string;
  points: Array<{ id: string; code: string; username: string; userId: string; farmerIds: string[] }>;
  products: Array<{ id: string; unit: string; quantity: string; unitSize: number; priceFen: number; settlementMode: string }>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function prepareDatabase(): Promise<DataSource> {
  const db = readDatabaseConfig({ ...ENV } as Record<string, string>);
  const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
  await admin.query(`DROP DATABASE IF EXISTS \`${DB_NAME}\``);
  await admin.query(`CREATE DATABASE \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const ds = await new DataSource(buildDataSourceOptions(db)).initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

/** One company, one point + agent per concurrent client, farmers, and the 3 products of a line set. */
async function seed(ds: DataSource): Promise<Seed> {
  const hash = await hashPassword(PASSWORD);
  const q = (sql: string, args: unknown[] = []) => ds.query(sql, args);
  const company = await q("INSERT INTO company (code, name, active) VALUES ('BENCH', '基准测试公司', 1)");
  const companyId = String(company.insertId);
  const region = await q("INSERT INTO region (parent_id, level, code, name, path) VALUES (NULL, 'VILLAGE', '430922104299', '基准村', '/')");
  const regionId = String(region.insertId);
  await q('UPDATE region SET path = ? WHERE id = ?', [`/${regionId}/`, regionId]);
  const points: Seed['points'] = [];
  for (let i = 0; i < CONCURRENCY; i++) {
    const code = `BP${i}`;
    const p = await q(
      "INSERT INTO commerce_point (company_id, region_id, region_path, code, name, service_center_name, address, contact_phone, opening_hours, active) VALUES (?, ?, ?, ?, ?, '中心', '地址', '13800000000', '08:00-18:00', 1)",
      [companyId, regionId, `/${regionId}/`, code, `基准点${i}`],
    );
    const username = `bench_agent_${i}`;
    const u = await q("INSERT INTO staff_user (company_id, username, display_name, password_hash, role, active) VALUES (?, ?, ?, ?, ?, 1)", [companyId, username, username, hash, Role.AGENT]);
    await q('INSERT INTO user_point_assignment (user_id, point_id) VALUES (?, ?)', [u.insertId, p.insertId]);
    const farmerIds: string[] = [];
    for (let f = 0; f < FARMERS_PER_POINT; f++) {
      const r = await q(
        "INSERT INTO farmer (company_id, name, phone, village_region_id, usual_point_id, payout_method, sms_consent, hardship, active, created_by) VALUES (?, ?, ?, ?, ?, 'CASH', 1, 0, 1, ?)",
        [companyId, `农户${i}-${f}`, `139${String(i * 1000 + f).padStart(8, '0')}`, regionId, p.insertId, u.insertId],
      );
      farmerIds.push(String(r.insertId));
    }
    points.push({ id: String(p.insertId), code, username, userId: String(u.insertId), farmerIds });
  }
  const products: Seed['products'] = [];
  const lineSet: Record<string, { unit: string; quantity: string }> = { EGG: { unit: '枚', quantity: '30' }, TZC: { unit: '斤', quantity: '2.5' }, DFR: { unit: '瓶', quantity: '2' } };
  for (const d of DEMO_PRODUCTS.filter((x) => x.code in lineSet)) {
    const r = await q(
      'INSERT INTO product (company_id, code, name, category, base_unit, units, grades, qc_checklist, shelf_life_days, settlement_mode, max_quantity_base_per_line, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)',
      [companyId, d.code, d.name, d.category, d.baseUnit, JSON.stringify(d.units), JSON.stringify(d.grades), JSON.stringify(d.qcChecklist), d.shelfLifeDays, d.settlementMode, d.maxQuantityBasePerLine],
    );
    for (const price of d.prices) {
      const size = d.units.find((u) => u.name === price.unitName)!.baseUnitsPerDisplayUnit;
      await q('INSERT INTO product_price (product_id, grade_code, unit_name, unit_size_base, price_fen, effective_from, created_by) VALUES (?, ?, ?, ?, ?, ?, 0)',
        [r.insertId, price.gradeCode, price.unitName, size, price.priceFen, new Date(DEMO_PRICES_FROM)]);
    }
    const a = d.prices.find((x) => x.gradeCode === 'A')!;
    products.push({ id: String(r.insertId), ...lineSet[d.code], unitSize: d.units.find((u) => u.name === lineSet[d.code].unit)!.baseUnitsPerDisplayUnit, priceFen: a.priceFen, settlementMode: d.settlementMode });
  }
  return { companyId, points, products };
}

function startApi(port: number, distDir = process.env.BENCH_API_DIST): Promise<ChildProcess> {
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_API_DIST: another build of the API (e.g. of an earlier commit) to measure instead.
  const dist = distDir ? path.resolve(ROOT, distDir) : path.join(ROOT, 'dist');
  const child = spawn(process.execPath, [...nodeArgs, path.join(dist, 'src', 'main.js')], { env: { ...ENV, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let listening = 0;
  return new Promise((resolve, reject) => {
    // every process says so once it listens
    child.stdout!.on('data', (chunk: Buffer) => { listening += chunk.toString().split('API listening').length - 1; if (listening >= API_PROCESSES) resolve(child); });
    child.on('exit', (code) => reject(new Error(`API exited with ${code}`)));
  });
}

/**
 * BENCH_HTTP_FLOOR=1: a plain node:http server that only parses the same JSON body and answers a
 * 201 JSON of similar size, no framework and no database: what HTTP alone costs on this machine.
 */
const HTTP_FLOOR_SERVER = `
const http = require('http');
const body = JSON.stringify({ id: '1', receiptNo: 'BP0-20260101-0001', lines: [1, 2, 3].map((n) => ({ id: String(n), lineNo: n, quantity: '30', priceFen: 1800 })) });
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString());
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

function startHttpFloor(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', HTTP_FLOOR_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening')) resolve(child); });
    child.on('exit', (code) => reject(new Error(`HTTP floor server exited with ${code}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

/**
 * One request; retried once when a kept-alive socket was reset: the server closes sockets idle for 5 s,
 * which in BENCH_COMPARE_DIST mode those of the build not being driven are, and the agent may pick one
 * just as it closes.
 */
function request(port: number, method: string, urlPath: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  return requestOnce(port, method, urlPath, body, token).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET') throw err;
    return requestOnce(port, method, urlPath, body, token);
  });
}

function requestOnce(port: number, method: string, urlPath: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: urlPath, agent,
      headers: { 'content-type': 'application/json', ...(data ? { 'content-length': data.length } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

type Result = { count: number; errors: number; latenciesMs: number[]; seconds: number; cpuMs?: { user: number; sys: number } };

/** CPU time (user + system) a process and its live child processes (the API's forked ones) have used, in ms, from /proc (Linux); null elsewhere. */
function processCpuMs(pid: number): { user: number; sys: number } | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = { user: Number(fields[11]) * 10, sys: Number(fields[12]) * 10 }; // utime, stime in clock ticks (USER_HZ = 100)
    const children = pid === process.pid ? [] : readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    for (const c of children) {
      const cpu = processCpuMs(c);
      if (cpu) { own.user += cpu.user; own.sys += cpu.sys; }
    }
    return own;
  } catch {
    return null;
  }
}

/** Runs `op(i)` in a loop on `concurrency` workers; measures after a warm-up. */
async function drive(
  concurrency: number, op: (i: number) => Promise<boolean>, cpuPid: number = process.pid, seconds = SECONDS, warmupSeconds = WARMUP_SECONDS,
): Promise<Result> {
  const warmupEnd = Date.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  // CPU used by the process doing the work, over the measured window: unlike rates, this per-consignment
  // figure stays comparable between runs on a machine other sessions load.
  let cpuStart: { user: number; sys: number } | null = null;
  const cpuTimer = setTimeout(() => { cpuStart = processCpuMs(cpuPid); }, warmupSeconds * 1000);
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
    while (Date.now() < end) {
      const start = process.hrtime.bigint();
      const ok = await op(i);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (Date.now() >= warmupEnd) {
        if (ok) latencies.push(ms); else errors++;
      }
    }
  }));
  clearTimeout(cpuTimer);
  const cpuEnd = processCpuMs(cpuPid);
  const started = cpuStart as { user: number; sys: number } | null;
  const cpuMs = started && cpuEnd ? { user: cpuEnd.user - started.user, sys: cpuEnd.sys - started.sys } : undefined;
  return { count: latencies.length, errors, latenciesMs: latencies, seconds, cpuMs };
}

function merge(a: Result, b: Result): Result {
  return {
    count: a.count + b.count, errors: a.errors + b.errors, latenciesMs: a.latenciesMs.concat(b.latenciesMs), seconds: a.seconds + b.seconds,
    cpuMs: a.cpuMs && b.cpuMs ? { user: a.cpuMs.user + b.cpuMs.user, sys: a.cpuMs.sys + b.cpuMs.sys } : undefined,
  };
}

const pct = (sorted: number[], p: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

function report(name: string, r: Result): { rps: number; p99: number } {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const rps = r.count / r.seconds;
  const cpu = r.cpuMs !== undefined && r.count
    ? `   ${((r.cpuMs.user + r.cpuMs.sys) / r.count).toFixed(2)} ms CPU each (user ${(r.cpuMs.user / r.count).toFixed(2)}, sys ${(r.cpuMs.sys / r.count).toFixed(2)})` : '';
  console.log(`${name.padEnd(22)} ${rps.toFixed(0).padStart(6)} consignments/s   p50 ${pct(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${pct(sorted, 99).toFixed(1).padStart(6)} ms   (${r.count} ok, ${r.errors} errors, ${r.seconds} s)${cpu}`);
  return { rps, p99: pct(sorted, 99) };
}

/** The same rows as the API writes, one transaction per consignment, with plain mysql2. */
async function bareWriter(pool: Pool, s: Seed): Promise<Result> {
  return drive(CONCURRENCY, async (i) => {
    const point = s.points[i % s.points.length];
    const farmerId = point.farmerIds[Math.floor(Math.random() * point.farmerIds.length)];
    const now = new Date();
    const day = businessDay(now);
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      const [counter] = await conn.query(
        'INSERT INTO receipt_counter (point_id, business_day, last_seq) VALUES (?, ?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + 1)', [point.id, day]);
      const seq = (counter as { insertId: number }).insertId;
      const receiptNo = `${point.code}-${day.replace(/-/g, '')}-${String(seq).padStart(4, '0')}`;
      const lines = s.products.map((p, n) => {
        const base = Math.round(Number(p.quantity) * p.unitSize);
        return { n: n + 1, p, base, amount: Math.round((p.priceFen * base) / p.unitSize) };
      });
      const total = lines.reduce((a, l) => a + l.amount, 0);
      const [h] = await conn.query(
        'INSERT INTO consignment (company_id, point_id, farmer_id, client_id, request_hash, receipt_no, business_day, captured_at, received_at, status, line_count, estimated_amount_fen, note, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)',
        [s.companyId, point.id, farmerId, randomUUID(), 'x'.repeat(64), receiptNo, day, now, now, 'RECEIVED', 3, total, point.userId]);
      const id = (h as { insertId: number }).insertId;
      await conn.query(
        'INSERT INTO consignment_line (consignment_id, line_no, product_id, declared_grade_code, quantity_text, unit_name, unit_size_base, quantity_base, price_fen, price_unit_name, price_unit_size_base, settlement_mode, estimated_amount_fen, status) VALUES ?',
        [lines.map((l) => [id, l.n, l.p.id, 'A', l.p.quantity, l.p.unit, l.p.unitSize, l.base, l.p.priceFen, l.p.unit, l.p.unitSize, l.p.settlementMode, l.amount, 'RECEIVED'])]);
      await conn.query("INSERT INTO outbox_event (event_type, aggregate_type, aggregate_id, payload, status, relay_attempts) VALUES ('consignment.received', 'consignment', ?, ?, 'PENDING', 0)",
        [String(id), JSON.stringify({ consignmentId: String(id), receiptNo, lines: lines.map((l) => ({ productId: l.p.id, quantityBase: l.base })) })]);
      await conn.query("INSERT INTO audit_log (company_id, actor_kind, actor_id, actor_role, entity_type, entity_id, action, changes) VALUES (?, 'staff', ?, 'AGENT', 'consignment', ?, 'create', ?)",
        [s.companyId, point.userId, String(id), JSON.stringify([{ field: 'receiptNo', before: null, after: receiptNo }])]);
      await conn.commit();
      return true;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      console.error('bare writer:', (err as Error).message);
      return false;
    } finally {
      conn.release();
    }
  });
}

async function main(): Promise<void> {
  console.log(`intake benchmark: ${CONCURRENCY} concurrent agents, ${SECONDS} s per phase (+${WARMUP_SECONDS} s warm-up), database ${DB_NAME}`);
  execSync('node scripts/build-if-needed.js', { cwd: ROOT, stdio: 'inherit' });
  const ds = await prepareDatabase();
  const s = await seed(ds);
  await ds.destroy();
  const consignmentBody = (point: Seed['points'][number]) => ({
    clientId: randomUUID(), pointId: point.id, farmerId: point.farmerIds[Math.floor(Math.random() * point.farmerIds.length)],
    capturedAt: new Date().toISOString(),
    lines: s.products.map((p) => ({ productId: p.id, quantity: p.quantity, unit: p.unit, gradeCode: 'A' })),
  });
  if (process.env.BENCH_HTTP_FLOOR === '1') {
    const floorPort = await freePort();
    const floor = await startHttpFloor(floorPort);
    try {
      report('plain node:http floor', await drive(CONCURRENCY, async (i) => {
        const res = await request(floorPort, 'POST', '/api/v1/consignments', consignmentBody(s.points[i % s.points.length]), 'x');
        return res.status === 201;
      }, floor.pid));
    } finally {
      floor.removeAllListeners('exit');
      floor.kill('SIGTERM');
    }
  }
  const port = await freePort();
  const api = await startApi(port);
  // BENCH_COMPARE_DIST: a second build runs next to this one, measured in alternating slices, so that
  // both see the same machine (the load of other sessions changes from minute to minute).
  const compareDist = process.env.BENCH_COMPARE_DIST;
  const comparePort = compareDist ? await freePort() : 0;
  const other = compareDist ? await startApi(comparePort, compareDist).catch((err: Error) => { api.kill('SIGTERM'); throw err; }) : null;
  const stop = () => { api.kill('SIGTERM'); other?.kill('SIGTERM'); };
  process.once('SIGINT', () => { stop(); process.exit(130); });
  let api1 = { rps: 0, p99: NaN };
  try {
    const tokens = await Promise.all(s.points.map(async (p) => {
      const res = await request(port, 'POST', '/api/v1/auth/login', { username: p.username, password: PASSWORD });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.body}`);
      return JSON.parse(res.body).accessToken as string;
    }));
    let firstError = '';
    // Same users, same JWT secret: the tokens serve both builds.
    const post = (toPort: number) => async (i: number) => {
      const point = s.points[i % s.points.length];
      const res = await request(toPort, 'POST', '/api/v1/consignments', consignmentBody(point), tokens[i]);
      if (res.status !== 201 && !firstError) firstError = `${res.status} ${res.body}`;
      return res.status === 201;
    };
    if (other) {
      const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
      let mine: Result | null = null;
      let theirs: Result | null = null;
      for (let r = 0; r < rounds; r++) {
        const a = await drive(CONCURRENCY, post(port), api.pid, SECONDS / rounds, 1);
        const b = await drive(CONCURRENCY, post(comparePort), other.pid, SECONDS / rounds, 1);
        mine = mine ? merge(mine, a) : a;
        theirs = theirs ? merge(theirs, b) : b;
      }
      if (firstError) console.log(`first API error: ${firstError}`);
      api1 = report('API (this build)', mine!);
      report(`API (${compareDist})`.slice(0, 22), theirs!);
    } else {
      const apiResult = await drive(CONCURRENCY, post(port), api.pid);
      if (firstError) console.log(`first API error: ${firstError}`);
      api1 = report('API POST /consignments', apiResult);
    }
  } finally {
    stop();
    agent.destroy();
  }
  const db = readDatabaseConfig({ ...ENV } as Record<string, string>);
  const pool = createPool({ host: db.host, port: db.port, user: db.user, password: db.password, database: DB_NAME, connectionLimit: CONCURRENCY, timezone: 'Z' });
  const bare = report('bare mysql2 writer', await bareWriter(pool, s));
  await pool.end();
  const ratio = api1.rps / bare.rps;
  emitResult({ figure: `intake: consignments/s through the API (${CONCURRENCY} agents)`, value: api1.rps, unit: '/s', target: '≥ 0.5× bare', baseline: bare.rps });
  emitResult({ figure: `intake: API p99 (${CONCURRENCY} agents)`, value: api1.p99, unit: 'ms', target: '< 100 ms', baseline: bare.p99 });
  console.log(`ratio API / bare: ${ratio.toFixed(2)} (target ≥ 0.50; p99 target < 100 ms at 32 agents)`);
  console.log('CPU each: of the API process for the API phase (its HTTP client is this process), of this process for the bare writer.');
  console.log('note: the API and the writer share this machine with MariaDB, Redis and any other test run at the time.');
}

main().then(() => process.exit(0)).catch((err: Error) => {
  console.error(`benchmark failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
