/**
 * Settlement benchmark (ISSUE 5). Run: npm run bench:settlement [-- --entries 1000000 --farmers 100000 --reseed]
 *
 * Creates and migrates its own database (village_commerce_bench_settle), seeds one company with 100
 * points, N farmers, one FARMER_PAYABLE account each and M earning entries spread over them, with bare
 * multi-row INSERTs (5,000 rows a statement; the seed is reused on later runs unless --reseed). Then,
 * in the same run and on the same data:
 *   1. the bare pass: one `INSERT … SELECT account_id, SUM(amount_fen), COUNT(*) … GROUP BY account_id`
 *      into a scratch table (the floor: the same per-farmer totals, nothing else);
 *   2. the real settlement run through SettlementService.createRun (statements, cursors, run totals,
 *      one outbox event per statement, in one transaction);
 *   3. the bare pass again (to show cache effects), and prints both and the ratio (target ≤ 3×).
 * Settlement tables are emptied before each measured run, so the run always claims every entry.
 * Other work on the machine (test suites, other benchmarks) changes the figures.
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Connection, createConnection } from 'mysql2/promise';
import { performance } from 'perf_hooks';
import { DataSource } from 'typeorm';
import { BENCH_SECRETS, emitResult } from '../support';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ENTRIES = flag('entries', 1_000_000);
const FARMERS = flag('farmers', 100_000);
const POINTS = 100;
const RESEED = args.includes('--reseed');
const DB = process.env.BENCH_DB_NAME ?? 'village_commerce_bench_settle';
const ROWS_PER_STATEMENT = 5_000;

Object.assign(process.env, {
  DB_NAME: DB, QUEUE_PREFIX: 'bench_settle', LOG_LEVEL: 'warn',
  ...BENCH_SECRETS,
  SETTLEMENT_MIN_PAYOUT_FEN: '1',
});

const log = (msg: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function bulkInsert(conn: Connection, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await conn.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [rows.slice(i, i + ROWS_PER_STATEMENT)]);
  }
}

async function seed(conn: Connection): Promise<string> {
  log(`seeding ${FARMERS} farmers and ${ENTRIES} earning entries…`);
  for (const table of ['ledger_entry', 'ledger_posting', 'ledger_account', 'farmer', 'commerce_point', 'region', 'company']) {
    await conn.query(`DELETE FROM ${table}`);
  }
  const [c] = await conn.query(`INSERT INTO company (code, name, active) VALUES ('BENCHS', '结算基准公司', 1)`);
  const companyId = String((c as { insertId: number }).insertId);
  const [r] = await conn.query(`INSERT INTO region (parent_id, level, code, name, path) VALUES (NULL, 'VILLAGE', '439900000001', '基准村', '/')`);
  const regionId = String((r as { insertId: number }).insertId);
  await bulkInsert(conn, 'commerce_point', ['company_id', 'region_id', 'region_path', 'code', 'name', 'service_center_name', 'address', 'contact_phone', 'opening_hours', 'active'],
    Array.from({ length: POINTS }, (_, i) => [companyId, regionId, `/${regionId}/`, `BP${i}`, `点${i}`, `中心${i}`, `地址${i}`, '13800000000', '08:00-18:00', 1]));
  const [points] = await conn.query('SELECT id FROM commerce_point WHERE company_id = ? ORDER BY id', [companyId]) as unknown as [Array<{ id: string }>];
  await bulkInsert(conn, 'farmer', ['company_id', 'name', 'phone', 'village_region_id', 'usual_point_id', 'payout_method', 'created_by'],
    Array.from({ length: FARMERS }, (_, i) => [companyId, `农户${i}`, `139${String(i).padStart(8, '0')}`, regionId, points[i % POINTS].id, 'CASH', 1]));
  await conn.query(
    `INSERT INTO ledger_account (company_id, owner_type, owner_id, account_type, balance_fen)
     SELECT company_id, 'FARMER', id, 'FARMER_PAYABLE', 0 FROM farmer WHERE company_id = ?`, [companyId]);
  const [accounts] = await conn.query('SELECT id FROM ledger_account WHERE company_id = ? ORDER BY id', [companyId]) as unknown as [Array<{ id: string }>];
  const at = new Date(Date.now() - 2 * 86400_000);
  const started = performance.now();
  for (let i = 0; i < ENTRIES; i += ROWS_PER_STATEMENT) {
    const rows: unknown[][] = [];
    for (let j = i; j < Math.min(ENTRIES, i + ROWS_PER_STATEMENT); j++) {
      rows.push([j + 1, companyId, accounts[j % accounts.length].id, 'EARNING', 200 + ((j * 7919) % 4800), 'PURCHASE', at, at]);
    }
    await conn.query('INSERT INTO ledger_entry (posting_id, company_id, account_id, kind, amount_fen, channel, occurred_at, created_at) VALUES ?', [rows]);
  }
  await conn.query(
    `UPDATE ledger_account a JOIN (SELECT account_id, SUM(amount_fen) AS s FROM ledger_entry GROUP BY account_id) t ON t.account_id = a.id SET a.balance_fen = t.s`);
  log(`seeded (${ENTRIES} entries inserted in ${secs(performance.now() - started)})`);
  return companyId;
}

async function bare(conn: Connection, companyId: string): Promise<number> {
  await conn.query('DROP TABLE IF EXISTS bench_farmer_totals');
  await conn.query('CREATE TABLE bench_farmer_totals (account_id BIGINT UNSIGNED NOT NULL, total_fen BIGINT NOT NULL, entry_count INT UNSIGNED NOT NULL) ENGINE=InnoDB');
  const t0 = performance.now();
  await conn.query(
    `INSERT INTO bench_farmer_totals (account_id, total_fen, entry_count)
     SELECT account_id, SUM(amount_fen), COUNT(*) FROM ledger_entry WHERE company_id = ? GROUP BY account_id`, [companyId]);
  return performance.now() - t0;
}

async function resetSettlement(conn: Connection): Promise<void> {
  for (const table of ['payout', 'payout_statement', 'settlement_cursor', 'settlement_run', 'outbox_event']) await conn.query(`TRUNCATE TABLE ${table}`);
}

async function main(): Promise<void> {
  const root = await createConnection({ host: process.env.DB_HOST ?? '127.0.0.1', port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USER ?? 'root', password: process.env.DB_PASSWORD ?? '' });
  if (RESEED) await root.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await root.end();
  const { buildDataSourceOptions } = await import('../../src/database/data-source-options');
  const ds = await new DataSource(buildDataSourceOptions()).initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();

  const conn = await createConnection({ host: process.env.DB_HOST ?? '127.0.0.1', user: process.env.DB_USER ?? 'root', password: process.env.DB_PASSWORD ?? '', database: DB, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
  const [[found]] = await conn.query(`SELECT c.id, (SELECT COUNT(*) FROM ledger_entry) AS n, (SELECT COUNT(*) FROM ledger_account) AS a FROM company c WHERE c.code = 'BENCHS'`) as unknown as [[{ id: string; n: string; a: string } | undefined]];
  const companyId = found && Number(found.n) === ENTRIES && Number(found.a) === FARMERS ? String(found.id) : await seed(conn);
  if (found && companyId === String(found.id)) log(`reusing the seed: ${ENTRIES} entries over ${FARMERS} farmer accounts`);
  await resetSettlement(conn);

  const bare1 = await bare(conn, companyId);
  log(`bare INSERT … SELECT … GROUP BY (per-farmer totals): ${secs(bare1)}`);

  const { AppModule } = await import('../../src/app.module');
  const { SettlementService } = await import('../../src/settlement/settlement.service');
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const settlement = app.get(SettlementService);
  const throughDay = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const t0 = performance.now();
  const { run } = await settlement.createRun(null, companyId, { throughDay, periodKey: `bench-${Date.now()}` });
  const runMs = performance.now() - t0;
  log(`settlement run: ${secs(runMs)} — ${run.statementCount} statements, ${run.totalFen} fen`);
  const [[check]] = await conn.query('SELECT COUNT(*) AS n, SUM(total_fen) AS s FROM bench_farmer_totals') as unknown as [[{ n: string; s: string }]];
  if (Number(check.n) !== run.statementCount || String(check.s) !== String(run.totalFen)) {
    throw new Error(`settlement totals differ from the bare pass: ${run.statementCount}/${run.totalFen} vs ${check.n}/${check.s}`);
  }
  await app.close();

  const bare2 = await bare(conn, companyId);
  log(`bare pass again: ${secs(bare2)}`);
  const floor = Math.min(bare1, bare2);
  process.stdout.write(`\nentries ${ENTRIES}, farmers ${FARMERS}\n`);
  process.stdout.write(`bare INSERT … SELECT … GROUP BY   ${secs(bare1)} / ${secs(bare2)} (best ${secs(floor)})\n`);
  process.stdout.write(`settlement run (service)          ${secs(runMs)}\n`);
  emitResult({ figure: `settlement: run over ${ENTRIES.toLocaleString()} entries / ${FARMERS.toLocaleString()} farmers`, value: runMs / 1000, unit: 's', target: '≤ 3× bare', baseline: floor / 1000 });
  process.stdout.write(`ratio run / best bare             ${(runMs / floor).toFixed(2)}× (target ≤ 3×)\n`);
  await conn.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
