/**
 * npm run seed:scale -- --scale county|city|province [--db name] [--days 365] [--seed 1] [--end YYYY-MM-DD]
 *                       [--villages N] [--factor F] [--farmers-per-village 100] [--reseed] [--check] [--no-rollups]
 *
 * Creates and migrates its own database (village_commerce_scale unless --db), then fills it with
 * generate.ts. Prints rows and server time per table and the total. The same seed, scale and end
 * day give the same data (the end day defaults to yesterday, Asia/Shanghai). Then fills the report
 * roll-ups (rpt_*) of the generated days with the app's own job, unless --no-rollups.
 */
import 'reflect-metadata';
import { createConnection } from 'mysql2/promise';
import { hashPassword } from '../../src/auth/password';
import { businessDay } from '../../src/common/business-day';
import { BENCH_SECRETS, flag, hasFlag, log, openBenchDatabase } from '../support';
import { generateScale, Scale } from './generate';
import { checkInvariants } from './invariants';
import { rollUpGenerated, withRollupsService } from './rollups';

const args = process.argv.slice(2);
const text = (name: string, fallback: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? String(args[i + 1]) : fallback; };

export const SCALE_PASSWORD = 'Scale@2026village';

async function main(): Promise<void> {
  const scale = text('scale', 'county') as Scale;
  if (!['county', 'city', 'province'].includes(scale)) throw new Error('--scale must be county, city or province');
  const db = text('db', 'village_commerce_scale');
  if (!/^[A-Za-z0-9_]{1,64}$/.test(db)) throw new Error('--db must be a plain identifier');
  const endDay = text('end', businessDay(new Date(Date.now() - 86_400_000)));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endDay)) throw new Error('--end must be YYYY-MM-DD');
  const seed = flag('seed', 1);
  // the roll-up step boots the app (its own queue prefix, so it never meets another app's jobs)
  Object.assign(process.env, { DB_NAME: db, QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'seed_scale', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...BENCH_SECRETS });
  const conn = await openBenchDatabase(db, hasFlag('reseed'));
  // a second connection: two INSERTs run at once
  const second = await createConnection({
    host: process.env.DB_HOST ?? '127.0.0.1', port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USER ?? 'root', password: process.env.DB_PASSWORD ?? '',
    database: db, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true,
  });
  try {
    log(`seed:scale ${scale} into ${db}: ${flag('days', 365)} days through ${endDay}, seed ${seed}`);
    const report = await generateScale(conn, {
      scale, villages: hasFlag('villages') ? flag('villages', 0) : undefined, days: flag('days', 365), endDay, seed,
      factor: flag('factor', 1), farmersPerVillage: flag('farmers-per-village', 100), provinceCode: text('province-code', '43'),
      companyCode: `SCALE${seed}`, passwordHash: await hashPassword(SCALE_PASSWORD), log, relaxChecks: true,
    }, [second]);
    const rows = report.tables.reduce((s, t) => s + t.rows, 0);
    log('table                          rows   server s');
    for (const t of report.tables) log(`${t.table.padEnd(24)} ${t.rows.toLocaleString().padStart(12)} ${t.seconds.toFixed(1).padStart(9)}`);
    log(`total ${rows.toLocaleString()} rows in ${report.seconds.toFixed(1)} s (${Math.round(rows / report.seconds).toLocaleString()} rows/s), ${report.villages} villages`);
    const filled = hasFlag('no-rollups') ? null : await withRollupsService((rollups) => rollUpGenerated(conn, report.companyId, rollups));
    if (filled) {
      const [[n]] = await conn.query(`SELECT (SELECT COUNT(*) FROM rpt_intake WHERE company_id = ?) + (SELECT COUNT(*) FROM rpt_qc WHERE company_id = ?)
        + (SELECT COUNT(*) FROM rpt_qc_reject WHERE company_id = ?) + (SELECT COUNT(*) FROM rpt_transit_loss WHERE company_id = ?)
        + (SELECT COUNT(*) FROM rpt_sales WHERE company_id = ?) + (SELECT COUNT(*) FROM rpt_earnings WHERE company_id = ?)
        + (SELECT COUNT(*) FROM rpt_commission WHERE company_id = ?) + (SELECT COUNT(*) FROM rpt_village_income WHERE company_id = ?)
        + (SELECT COUNT(*) FROM rpt_farmer_day WHERE company_id = ?) + (SELECT COUNT(*) FROM rpt_farmer_year WHERE company_id = ?) AS n`,
      Array(10).fill(report.companyId)) as unknown as [[{ n: string }]];
      log(`${'rpt_* roll-ups'.padEnd(24)} ${Number(n.n).toLocaleString().padStart(12)} ${filled.seconds.toFixed(1).padStart(9)}  (${filled.days} days ${filled.from}…${filled.to}, RollupsService.rebuildRangeBulk)`);
    }
    if (hasFlag('check')) {
      const t0 = Date.now();
      const result = await checkInvariants(conn, report.companyId);
      log(`invariants (${((Date.now() - t0) / 1000).toFixed(1)} s): ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      if (Object.values(result).some((v) => v !== 0)) process.exitCode = 1;
    }
    log(`logins (password ${SCALE_PASSWORD}): ${report.adminUsername}, agents ${report.agentUsernames[0]} … ${report.agentUsernames[report.agentUsernames.length - 1]}`);
  } finally {
    await conn.end();
    await second.end();
  }
}

main().catch((err: Error) => { process.stderr.write(`seed:scale failed: ${err.stack ?? err.message}\n`); process.exit(1); });
