/* eslint-disable no-console */
/**
 * Export benchmark: streams the consignment export (CSV and Excel) of a company with 100 k and of one
 * with 1 M consignments over HTTP from the real API (a separate process) into /dev/null, and prints
 * rows/s and the API process's peak RSS during each download (constant memory: the 1 M export should
 * peak where the 100 k one does). Next to it, a bare mysql2 streaming SELECT of the same rows and
 * columns, measured in the same run.
 *
 *   npm run bench:exports                                   # 100 k and 1 M rows, csv and xlsx
 *   npm run bench:exports -- --rows 200000 --small 20000 --reseed
 *   BENCH_FORMATS=csv npm run bench:exports
 *   BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:exports   # profile the API process
 *   BENCH_API_HEAP_MB=4096 npm run bench:exports            # the API's V8 heap cap (default 160 MB)
 *
 * Its own database (village_commerce_bench_exports), seeded with bare 5,000-row INSERTs and reused on
 * later runs (--reseed to rebuild).
 */
process.env.DB_NAME = process.env.BENCH_DB_NAME ?? 'village_commerce_bench_exports';
import 'reflect-metadata';
import { ChildProcess, execSync, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import { createWriteStream, readFileSync } from 'fs';
import http from 'http';
import { AddressInfo, createServer } from 'net';
import path from 'path';
import { performance } from 'perf_hooks';
import { Connection } from 'mysql2/promise';
import { hashPassword } from '../../src/auth/password';
import { BENCH_SECRETS, bulkInsert, emitResult, flag, hasFlag, insertId, log, openBenchDatabase, regionMaker } from '../support';

const ROOT = path.join(__dirname, '..', '..');
const DB_NAME = process.env.DB_NAME!;
const LARGE = flag('rows', 1_000_000);
const SMALL = flag('small', 100_000);
const FORMATS = (process.env.BENCH_FORMATS ?? 'csv,xlsx').split(',').map((f) => f.trim()) as Array<'csv' | 'xlsx'>;
const PASSWORD = 'Bench@password-1';
const FARMERS = 2_000;
/** The API runs with a capped V8 heap: if an export kept its rows, the 1 M export would run out of memory. */
const API_HEAP_MB = Number(process.env.BENCH_API_HEAP_MB ?? 160);
const ENV = {
  ...process.env,
  ...BENCH_SECRETS,
  NODE_ENV: 'production',
  DB_NAME,
  QUEUE_PREFIX: 'vc_bench_exports',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
};

type Company = { code: string; id: string; username: string; rows: number };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const one = async (conn: Connection, sql: string, args: unknown[] = []) => ((await conn.query(sql, args)) as unknown as [Array<Record<string, unknown>>])[0][0];

/** A company with a point, an admin who can log in, farmers and `rows` consignments over a year (reused when already there). */
async function seedCompany(conn: Connection, code: string, rows: number, firstRegionCode: number): Promise<Company> {
  const username = `bench_exports_${code.toLowerCase()}`;
  const existing = await one(conn, 'SELECT id FROM company WHERE code = ?', [code]);
  if (existing) {
    const id = String(existing.id);
    const counted = Number((await one(conn, 'SELECT COUNT(*) AS n FROM consignment WHERE company_id = ?', [id])).n);
    if (counted === rows) return { code, id, username, rows };
    throw new Error(`company ${code} has ${counted} consignments, not ${rows}: run with --reseed`);
  }
  const id = await insertId(conn, 'INSERT INTO company (code, name, active) VALUES (?, ?, 1)', [code, `导出基准公司${code}`]);
  const region = regionMaker(conn, firstRegionCode);
  const province = await region(null, 'PROVINCE', '湖南省');
  const city = await region(province, 'CITY', '益阳市');
  const county = await region(city, 'COUNTY', '桃江县');
  const township = await region(county, 'TOWNSHIP', '修山镇');
  const village = await region(township, 'VILLAGE', '花桥港村');
  const pointId = await insertId(conn,
    `INSERT INTO commerce_point (company_id, region_id, region_path, code, name, service_center_name, address, contact_phone, opening_hours, active)
     VALUES (?, ?, ?, ?, '花桥港村商务服务点', '花桥港村党群服务中心', '村部', '13800000000', '08:00-18:00', 1)`, [id, village.id, village.path, code]);
  const userId = await insertId(conn, "INSERT INTO staff_user (company_id, username, display_name, password_hash, role, active) VALUES (?, ?, '导出基准管理员', ?, 'ADMIN', 1)",
    [id, username, await hashPassword(PASSWORD)]);
  const farmerBase = Number((await one(conn, 'SELECT COALESCE(MAX(id), 0) + 1 AS id FROM farmer')).id);
  const surnames = '吴李张王刘陈杨赵黄周';
  await bulkInsert(conn, 'farmer', ['id', 'company_id', 'name', 'phone', 'village_region_id', 'usual_point_id', 'payout_method', 'sms_consent', 'hardship', 'show_name_on_trace', 'active', 'created_by'],
    FARMERS, (i) => [farmerBase + i, id, `${surnames[i % 10]}金${i}`, `139${String(firstRegionCode % 1000).padStart(3, '0')}${String(i).padStart(5, '0')}`, village.id, pointId, 'CASH', 1, 0, 0, 1, userId], `${code} farmer`);
  const yearStart = Date.now() - 365 * 86400_000;
  const statuses = ['RECEIVED', 'INSPECTED', 'BATCHED', 'BATCHED', 'VOIDED'];
  await bulkInsert(conn, 'consignment', ['company_id', 'point_id', 'farmer_id', 'client_id', 'request_hash', 'receipt_no', 'business_day', 'captured_at', 'received_at', 'status', 'line_count', 'estimated_amount_fen', 'note', 'created_by'],
    rows, (i) => {
      const at = new Date(yearStart + Math.floor((i / rows) * 365 * 86400_000));
      return [id, pointId, farmerBase + (i % FARMERS), randomUUID(), 'x'.repeat(64), `${code}-${i}`, new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
        at, at, statuses[i % statuses.length], 1 + (i % 3), 100 + ((i * 7919) % 100_000), i % 10 === 0 ? `备注, "第${i}单"` : null, userId];
    }, `${code} consignment`);
  return { code, id, username, rows };
}

function startApi(port: number): Promise<ChildProcess> {
  const nodeArgs = [`--max-old-space-size=${API_HEAP_MB}`, ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', 'src', 'main.js')], { env: { ...ENV, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('API listening')) resolve(child); });
    child.on('exit', (code) => reject(new Error(`API exited with ${code}`)));
  });
}

function post(port: number, urlPath: string, body: unknown): Promise<{ status: number; body: string }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: urlPath, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

type Download = { seconds: number; bytes: number; lines: number; peakRssMb: number; startRssMb: number };

/** Downloads an export into /dev/null, counting bytes and lines, while sampling the API's RSS every 50 ms. */
function download(port: number, token: string, urlPath: string, apiPid: number): Promise<Download> {
  const startRssMb = rssMb(apiPid);
  let peakRssMb = startRssMb;
  const sampler = setInterval(() => { peakRssMb = Math.max(peakRssMb, rssMb(apiPid)); }, 50);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        clearInterval(sampler);
        reject(new Error(`${urlPath}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.pipe(createWriteStream('/dev/null'));
      res.on('end', () => {
        clearInterval(sampler);
        peakRssMb = Math.max(peakRssMb, rssMb(apiPid));
        resolve({ seconds: (performance.now() - t0) / 1000, bytes, lines, peakRssMb, startRssMb });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The same rows and columns through one bare mysql2 streaming SELECT (no HTTP, no formatting). */
async function bareRead(conn: Connection, companyId: string): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  let rows = 0;
  const raw = (conn as unknown as { connection: { query: (sql: string, args: unknown[]) => { stream: () => NodeJS.ReadableStream } } }).connection;
  await new Promise<void>((resolve, reject) => {
    const s = raw.query(
      `SELECT c.id, c.receipt_no, c.business_day, c.captured_at, c.received_at, c.status, c.line_count, c.estimated_amount_fen, c.point_id, cp.code, cp.name,
              c.farmer_id, f.name AS farmer_name, c.note, c.void_reason
       FROM consignment c LEFT JOIN commerce_point cp ON cp.id = c.point_id LEFT JOIN farmer f ON f.id = c.farmer_id
       WHERE c.company_id = ? ORDER BY c.id DESC`, [companyId]).stream();
    s.on('data', () => { rows++; });
    s.on('end', () => resolve());
    s.on('error', reject);
  });
  return { seconds: (performance.now() - t0) / 1000, rows };
}

async function main(): Promise<void> {
  console.log(`exports benchmark: consignment exports of ${SMALL.toLocaleString()} and ${LARGE.toLocaleString()} rows (${FORMATS.join(', ')}), database ${DB_NAME}, API heap capped at ${API_HEAP_MB} MB`);
  execSync('node scripts/build-if-needed.js', { cwd: ROOT, stdio: 'inherit' });
  const conn = await openBenchDatabase(DB_NAME, hasFlag('reseed'));
  const t0 = performance.now();
  const small = await seedCompany(conn, 'BEXS', SMALL, 439_700_000_000);
  const large = await seedCompany(conn, 'BEXL', LARGE, 439_710_000_000);
  log(`seed ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const expected = new Map<string, number>();
  for (const c of [small, large]) expected.set(c.code, Number((await one(conn, 'SELECT COUNT(*) AS n FROM consignment WHERE company_id = ?', [c.id])).n));

  const port = await freePort();
  const api = await startApi(port);
  const results: Array<{ name: string; rows: number; d: Download }> = [];
  try {
    for (const format of FORMATS) {
      for (const c of [small, large]) {
        const login = await post(port, '/api/v1/auth/login', { username: c.username, password: PASSWORD });
        if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
        const token = JSON.parse(login.body).accessToken as string;
        log(`${format} ${c.rows.toLocaleString()} rows…`);
        const d = await download(port, token, `/api/v1/consignments/export?format=${format}`, api.pid!);
        // CSV: one line per row plus the header (the seeded notes hold no line breaks).
        if (format === 'csv' && d.lines - 1 !== expected.get(c.code)) throw new Error(`csv had ${d.lines - 1} rows, expected ${expected.get(c.code)}`);
        results.push({ name: `${format} ${c.rows.toLocaleString()} rows`, rows: c.rows, d });
      }
    }
  } finally {
    api.kill('SIGTERM');
  }
  const bare = await bareRead(conn, large.id);
  await conn.end();

  console.log('');
  console.log('export (HTTP → /dev/null)      seconds     rows/s        MB   API RSS before → peak (MB)');
  for (const r of results) {
    console.log(`${r.name.padEnd(28)} ${r.d.seconds.toFixed(1).padStart(8)} ${(r.rows / r.d.seconds).toFixed(0).padStart(10)} ${(r.d.bytes / 1e6).toFixed(1).padStart(9)}   ${r.d.startRssMb.toFixed(0)} → ${r.d.peakRssMb.toFixed(0)}`);
  }
  console.log(`${`bare SELECT ${bare.rows.toLocaleString()} rows`.padEnd(28)} ${bare.seconds.toFixed(1).padStart(8)} ${(bare.rows / bare.seconds).toFixed(0).padStart(10)}   (mysql2 stream of the same columns, no HTTP, no formatting)`);
  for (const format of FORMATS) {
    const [a, b] = results.filter((r) => r.name.startsWith(format));
    if (a && b) console.log(`${format}: peak RSS ${a.d.peakRssMb.toFixed(0)} MB at ${a.rows.toLocaleString()} rows vs ${b.d.peakRssMb.toFixed(0)} MB at ${b.rows.toLocaleString()} rows, heap capped at ${API_HEAP_MB} MB (constant memory: about equal, and the 1 M export fits the cap)`);
  }
  console.log('note: the API, MariaDB and this client share the machine with any other work running at the time.');
  for (const r of results) {
    emitResult({ figure: `exports: ${r.name}`, value: r.rows / r.d.seconds, unit: '/s', baseline: bare.rows / bare.seconds });
    emitResult({ figure: `exports: ${r.name} API peak RSS`, value: r.d.peakRssMb, unit: 'MB' });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
