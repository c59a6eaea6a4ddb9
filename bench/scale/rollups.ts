import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';
import { RollupsService } from '../../src/reports/rollups.service';

/**
 * The business days the generated company has activity on (Asia/Shanghai), from every table a
 * roll-up reads: some postings (settlement payouts, late refunds) fall after the last intake day,
 * so the span comes from the data, not from the generator's options.
 */
export async function generatedDayRange(conn: Connection, companyId: string): Promise<{ from: string; to: string } | null> {
  const day = (col: string) => `DATE_FORMAT(${col} + INTERVAL 8 HOUR, '%Y-%m-%d')`;
  const [[row]] = await conn.query(
    `SELECT MIN(d) AS first, MAX(d) AS last FROM (
       SELECT DATE_FORMAT(MIN(business_day), '%Y-%m-%d') AS d FROM consignment WHERE company_id = ?
       UNION ALL SELECT DATE_FORMAT(MAX(business_day), '%Y-%m-%d') FROM consignment WHERE company_id = ?
       UNION ALL SELECT ${day('MIN(created_at)')} FROM ledger_entry WHERE company_id = ?
       UNION ALL SELECT ${day('MAX(created_at)')} FROM ledger_entry WHERE company_id = ?
       UNION ALL SELECT ${day('MIN(sold_at)')} FROM sale WHERE company_id = ?
       UNION ALL SELECT ${day('MAX(sold_at)')} FROM sale WHERE company_id = ?
       UNION ALL SELECT ${day('MAX(created_at)')} FROM sale_refund WHERE company_id = ?
       UNION ALL SELECT ${day('MAX(created_at)')} FROM payout_statement WHERE company_id = ?
       UNION ALL SELECT ${day('MAX(paid_at)')} FROM payout WHERE company_id = ?
       UNION ALL SELECT ${day('MAX(t.created_at)')} FROM transit_loss t JOIN batch b ON b.id = t.batch_id WHERE b.company_id = ?
     ) x WHERE d IS NOT NULL`, Array(10).fill(companyId),
  ) as unknown as [[{ first: string | null; last: string | null }]];
  return row.first && row.last ? { from: row.first, to: row.last } : null;
}

/**
 * Fills the report roll-ups of every generated day through the app's own job
 * (`RollupsService.rebuildRangeBulk`: the same rows as the nightly per-day job, a month per transaction), so the generated dashboards are exactly
 * what the nightly job would show. The seed passes the service of a Nest application context booted
 * like the benchmarks'; the e2e test passes its app's.
 */
export async function rollUpGenerated(conn: Connection, companyId: string, rollups: Pick<RollupsService, 'rebuildRangeBulk'>): Promise<{ from: string; to: string; days: number; seconds: number } | null> {
  const t0 = performance.now();
  const range = await generatedDayRange(conn, companyId);
  if (!range) return null;
  const result = await rollups.rebuildRangeBulk(companyId, range.from, range.to);
  return { ...range, days: result.days, seconds: (performance.now() - t0) / 1000 };
}

/** Boots the app as a Nest application context (no HTTP server), runs `work` with its RollupsService, closes it. */
export async function withRollupsService<T>(work: (rollups: RollupsService) => Promise<T>): Promise<T> {
  const { AppModule } = await import('../../src/app.module');
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    return await work(app.get(RollupsService));
  } finally {
    await app.close();
  }
}
