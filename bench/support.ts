/** Helpers the benchmarks share: flags, log lines, percentiles, bare inserts, a region tree, their own migrated database. */
import { Connection, createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

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
export async function openBenchDatabase(db: string, reseed: boolean): Promise<Connection> {
  const server = { host: process.env.DB_HOST ?? '127.0.0.1', port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USER ?? 'root', password: process.env.DB_PASSWORD ?? '' };
  const root = await createConnection(server);
  if (reseed) await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await root.end();
  // Migrate with the project's own options (DB_NAME is set by the caller).
  const { buildDataSourceOptions } = await import('../src/database/data-source-options');
  const ds = await new DataSource(buildDataSourceOptions()).initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return createConnection({ ...server, database: db, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
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
