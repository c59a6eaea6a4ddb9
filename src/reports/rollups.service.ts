import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { businessDayRange } from '../common/business-day';
import { AuditService } from '../audit/audit.service';
import { inTransaction } from '../database/transaction';
import { addDays, dayIndexInYear, daysBetween, monthStart } from './report-days';
import { DayWindow, farmerDayBase, SUM_ROLLUPS, SumRollup } from './rollup-tables';

export type RebuildResult = { companyId: string; from: string; to: string; days: number; durationMs: number };

const ALL_ONES = (1n << 64n) - 1n;
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * READ COMMITTED: the `INSERT … SELECT` from the base tables then reads them as a consistent snapshot
 * without the shared locks REPEATABLE READ would take on every source row, so a roll-up of today never
 * holds up the counter's writes. Retried on deadlock like `inTransaction`.
 */
async function readCommittedTransaction(dataSource: DataSource, work: (em: EntityManager) => Promise<void>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction('READ COMMITTED', work);
    } catch (err) {
      const code = (err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
      if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
    }
  }
}
export const BITMAP_WORDS = 6;

/**
 * The idempotent roll-up job. `rebuildDay` recomputes one company's business day in one transaction:
 * per roll-up table, the day's old figures are taken out of the month rows, the day's rows are
 * deleted and recomputed with one `INSERT … SELECT … GROUP BY` from the base tables (point rows,
 * then every region above each point, then the company), and added back into the month rows.
 * Running it again for the same day gives the same rows; running it after a late change (a QC
 * correction, a receipt, a refund) brings the day and its month up to date.
 */
@Injectable()
export class RollupsService {
  private readonly logger = new Logger(RollupsService.name);

  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService) {}

  /** Companies with at least one commerce point: the ones the nightly job rolls up. */
  async companiesToRollUp(): Promise<string[]> {
    const rows: Array<{ company_id: string }> = await this.dataSource.query(
      'SELECT DISTINCT cp.company_id FROM commerce_point cp JOIN company c ON c.id = cp.company_id WHERE c.active = 1 ORDER BY cp.company_id',
    );
    return rows.map((r) => String(r.company_id));
  }

  /** Recomputes [from, to] for a company, day by day (each day its own transaction). */
  async rebuildRange(companyId: string, from: string, to: string): Promise<RebuildResult> {
    const started = Date.now();
    await this.refreshPointRegions(companyId);
    const days = daysBetween(from, to);
    for (let d = 0; d < days; d++) await this.rebuildDay(companyId, addDays(from, d), false);
    const result = { companyId, from, to, days, durationMs: Date.now() - started };
    this.logger.log(result, 'report roll-ups rebuilt');
    return result;
  }

  /** The admin endpoint: a range rebuild for the caller's company, audited. */
  async rebuildForAdmin(actor: Principal, from: string, to: string): Promise<RebuildResult> {
    const result = await this.rebuildRange(actor.companyId, from, to);
    await this.dataSource.transaction((em) => this.audit.record(em, actor, {
      entityType: 'report_rollup', entityId: `${from}..${to}`, action: 'REBUILD', after: result,
    }));
    return result;
  }

  /**
   * The points → regions map (each point and every region on its path) the region rows are summed
   * through. Rebuilt from `commerce_point.region_path` before each run: a few rows per point.
   */
  async refreshPointRegions(companyId: string): Promise<void> {
    const points: Array<{ id: string; region_path: string }> = await this.dataSource.query(
      'SELECT id, region_path FROM commerce_point WHERE company_id = ?', [companyId],
    );
    const rows = points.flatMap((p) => p.region_path.split('/').filter(Boolean).map((r) => [companyId, String(p.id), r]));
    await inTransaction(this.dataSource, async (em) => {
      await em.query('DELETE FROM rpt_point_region WHERE company_id = ?', [companyId]);
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        await em.query(`INSERT INTO rpt_point_region (company_id, point_id, region_id) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`, chunk.flat());
      }
    });
  }

  /** Recomputes one business day of one company (see the class comment). */
  async rebuildDay(companyId: string, day: string, refreshRegions = true): Promise<void> {
    if (refreshRegions) await this.refreshPointRegions(companyId);
    const { start, end } = businessDayRange(day);
    const w: DayWindow = { companyId, day, start, end };
    const started = Date.now();
    await readCommittedTransaction(this.dataSource, async (em) => {
      // One run per company and day at a time: the state row is the lock.
      await em.query('INSERT IGNORE INTO rpt_rollup_day (company_id, day) VALUES (?, ?)', [companyId, day]);
      await em.query('SELECT company_id FROM rpt_rollup_day WHERE company_id = ? AND day = ? FOR UPDATE', [companyId, day]);
      for (const r of SUM_ROLLUPS) await this.rebuildSum(em, r, w);
      await this.rebuildFarmers(em, w);
      await em.query('UPDATE rpt_rollup_day SET computed_at = ?, duration_ms = ? WHERE company_id = ? AND day = ?',
        [new Date(), Date.now() - started, companyId, day]);
    });
  }

  private async rebuildSum(em: EntityManager, r: SumRollup, w: DayWindow): Promise<void> {
    const month = monthStart(w.day);
    const cols = [...r.dims, ...r.measures];
    const into = `INSERT INTO ${r.table} (company_id, node_kind, node_id, period, day, ${cols.join(', ')})`;
    // target columns qualified: the month rows are summed from rows of the same table
    const addOnDuplicate = `ON DUPLICATE KEY UPDATE ${r.measures.map((m) => `${r.table}.${m} = ${r.table}.${m} + VALUES(${m})`).join(', ')}`;
    const moveIntoMonth = (sign: '' | '-') => em.query(
      `${into} SELECT src.company_id, src.node_kind, src.node_id, 'M', ?, ${r.dims.map((d) => `src.${d}`).join(', ')}, ${r.measures.map((m) => `${sign}src.${m}`).join(', ')}
         FROM ${r.table} src WHERE src.company_id = ? AND src.period = 'D' AND src.day = ? ${addOnDuplicate}`,
      [month, w.companyId, w.day],
    );

    await moveIntoMonth('-');
    await em.query(`DELETE FROM ${r.table} WHERE company_id = ? AND period = 'D' AND day = ?`, [w.companyId, w.day]);
    const base = r.base(w);
    await em.query(
      `${into} SELECT ?, 'P', b.point_id, 'D', ?, ${r.dims.map((d) => `b.${d}`).join(', ')}, ${r.measures.map((m) => `COALESCE(SUM(b.${m}), 0)`).join(', ')}
         FROM (${base.sql}) b WHERE b.point_id IS NOT NULL GROUP BY b.point_id, ${r.dims.map((d) => `b.${d}`).join(', ')}`,
      [w.companyId, w.day, ...base.params],
    );
    const sums = r.measures.map((m) => `SUM(t.${m})`).join(', ');
    const tdims = r.dims.map((d) => `t.${d}`).join(', ');
    await em.query(
      `${into} SELECT t.company_id, 'R', m.region_id, 'D', t.day, ${tdims}, ${sums}
         FROM ${r.table} t JOIN rpt_point_region m ON m.company_id = t.company_id AND m.point_id = t.node_id
        WHERE t.company_id = ? AND t.period = 'D' AND t.day = ? AND t.node_kind = 'P'
        GROUP BY t.company_id, t.day, m.region_id, ${tdims}`,
      [w.companyId, w.day],
    );
    await em.query(
      `${into} SELECT t.company_id, 'C', t.company_id, 'D', t.day, ${tdims}, ${sums}
         FROM ${r.table} t WHERE t.company_id = ? AND t.period = 'D' AND t.day = ? AND t.node_kind = 'P'
        GROUP BY t.company_id, t.day, ${tdims}`,
      [w.companyId, w.day],
    );
    await moveIntoMonth('');
    // a month row whose every figure went back to zero contributes nothing: drop it
    await em.query(
      `DELETE FROM ${r.table} WHERE company_id = ? AND period = 'M' AND day = ? AND ${r.measures.map((m) => `${m} = 0`).join(' AND ')}`,
      [w.companyId, month],
    );
  }

  /**
   * Farmer activity: the day's rows per (point, farmer), and the day's bit in each farmer's year
   * bitmap at the point, every region above it and the company. Old bits of the day are cleared
   * first for the farmers that had them, so a re-run (or a farmer no longer active) is exact.
   */
  private async rebuildFarmers(em: EntityManager, w: DayWindow): Promise<void> {
    const year = Number(w.day.slice(0, 4));
    const idx = dayIndexInYear(w.day);
    const word = Math.floor(idx / 64);
    const bit = (1n << BigInt(idx % 64)).toString();
    const notBit = (ALL_ONES ^ (1n << BigInt(idx % 64))).toString();
    const s = `served_w${word}`;
    const a = `active_w${word}`;

    await em.query(
      `UPDATE rpt_farmer_year y JOIN (SELECT DISTINCT farmer_id FROM rpt_farmer_day WHERE company_id = ? AND day = ?) f ON f.farmer_id = y.farmer_id
          SET y.${s} = y.${s} & CAST(${notBit} AS UNSIGNED), y.${a} = y.${a} & CAST(${notBit} AS UNSIGNED)
        WHERE y.company_id = ? AND y.year = ?`,
      [w.companyId, w.day, w.companyId, year],
    );
    await em.query('DELETE FROM rpt_farmer_day WHERE company_id = ? AND day = ?', [w.companyId, w.day]);
    const base = farmerDayBase(w);
    await em.query(
      `INSERT INTO rpt_farmer_day (company_id, day, point_id, farmer_id, hardship, served, active)
       SELECT ?, ?, b.point_id, b.farmer_id, f.hardship, b.served, 1 FROM (${base.sql}) b JOIN farmer f ON f.id = b.farmer_id
        WHERE b.point_id IS NOT NULL`,
      [w.companyId, w.day, ...base.params],
    );
    const into = `INSERT INTO rpt_farmer_year (company_id, node_kind, node_id, year, farmer_id, hardship, ${s}, ${a})`;
    const y = 'rpt_farmer_year';
    const onDup = `ON DUPLICATE KEY UPDATE ${y}.${s} = ${y}.${s} | VALUES(${s}), ${y}.${a} = ${y}.${a} | VALUES(${a}), ${y}.hardship = VALUES(hardship)`;
    const bits = `CASE WHEN MAX(d.served) = 1 THEN CAST(${bit} AS UNSIGNED) ELSE CAST(0 AS UNSIGNED) END, CAST(${bit} AS UNSIGNED)`;
    await em.query(
      `${into} SELECT d.company_id, 'P', d.point_id, ?, d.farmer_id, MAX(d.hardship), ${bits}
         FROM rpt_farmer_day d WHERE d.company_id = ? AND d.day = ? GROUP BY d.company_id, d.point_id, d.farmer_id ${onDup}`,
      [year, w.companyId, w.day],
    );
    await em.query(
      `${into} SELECT d.company_id, 'R', m.region_id, ?, d.farmer_id, MAX(d.hardship), ${bits}
         FROM rpt_farmer_day d JOIN rpt_point_region m ON m.company_id = d.company_id AND m.point_id = d.point_id
        WHERE d.company_id = ? AND d.day = ? GROUP BY d.company_id, m.region_id, d.farmer_id ${onDup}`,
      [year, w.companyId, w.day],
    );
    await em.query(
      `${into} SELECT d.company_id, 'C', d.company_id, ?, d.farmer_id, MAX(d.hardship), ${bits}
         FROM rpt_farmer_day d WHERE d.company_id = ? AND d.day = ? GROUP BY d.company_id, d.farmer_id ${onDup}`,
      [year, w.companyId, w.day],
    );
  }
}
