import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { businessDayRange } from '../common/business-day';
import { AuditService } from '../audit/audit.service';
import { inTransaction } from '../database/transaction';
import { addDays, dayIndexInYear, daysBetween, monthEnd, monthStart } from './report-days';
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

  /**
   * The same roll-up as `rebuildRange`, for a bulk load (the scale generator, a first fill of a long
   * history): one transaction per calendar month of the range. Each day's point rows come from the
   * same per-day base queries as `rebuildDay`; the region and company rows of all the chunk's days
   * are then summed at once, the month rows recomputed from the day rows of their month, and the
   * farmer-year bits of the chunk's days cleared and set in one statement per node kind — instead of
   * moving every day in and out of its month row. Gives the same rows as `rebuildRange`.
   */
  async rebuildRangeBulk(companyId: string, from: string, to: string): Promise<RebuildResult> {
    const started = Date.now();
    await this.refreshPointRegions(companyId);
    const days = daysBetween(from, to);
    let cursor = from;
    while (days > 0 && cursor <= to) {
      const last = monthEnd(cursor) < to ? monthEnd(cursor) : to;
      await this.rebuildChunk(companyId, cursor, last);
      cursor = addDays(last, 1);
    }
    const result = { companyId, from, to, days, durationMs: Date.now() - started };
    this.logger.log(result, 'report roll-ups rebuilt in bulk');
    return result;
  }

  /** [first, last]: days of one calendar month, in one transaction (see rebuildRangeBulk). */
  private async rebuildChunk(companyId: string, first: string, last: string): Promise<void> {
    const started = Date.now();
    const dayList = Array.from({ length: daysBetween(first, last) }, (_, i) => addDays(first, i));
    await readCommittedTransaction(this.dataSource, async (em) => {
      await em.query(`INSERT IGNORE INTO rpt_rollup_day (company_id, day) VALUES ${dayList.map(() => '(?, ?)').join(', ')}`, dayList.flatMap((d) => [companyId, d]));
      await em.query('SELECT company_id FROM rpt_rollup_day WHERE company_id = ? AND day BETWEEN ? AND ? FOR UPDATE', [companyId, first, last]);
      for (const r of SUM_ROLLUPS) {
        await em.query(`DELETE FROM ${r.table} WHERE company_id = ? AND period = 'D' AND day BETWEEN ? AND ?`, [companyId, first, last]);
        for (const day of dayList) {
          const { start, end } = businessDayRange(day);
          await this.insertPointRows(em, r, { companyId, day, start, end });
        }
        await this.insertRegionAndCompanyRows(em, r, companyId, first, last);
        const month = monthStart(first);
        const cols = [...r.dims, ...r.measures];
        await em.query(`DELETE FROM ${r.table} WHERE company_id = ? AND period = 'M' AND day = ?`, [companyId, month]);
        await em.query(
          `INSERT INTO ${r.table} (company_id, node_kind, node_id, period, day, ${cols.join(', ')})
           SELECT t.company_id, t.node_kind, t.node_id, 'M', ?, ${r.dims.map((d) => `t.${d}`).join(', ')}, ${r.measures.map((m) => `SUM(t.${m})`).join(', ')}
             FROM ${r.table} t WHERE t.company_id = ? AND t.period = 'D' AND t.day BETWEEN ? AND ?
            GROUP BY t.company_id, t.node_kind, t.node_id, ${r.dims.map((d) => `t.${d}`).join(', ')}
           HAVING NOT (${r.measures.map((m) => `SUM(t.${m}) = 0`).join(' AND ')})`,
          [month, companyId, month, monthEnd(first)],
        );
      }
      await this.rebuildFarmersChunk(em, companyId, first, last, dayList);
      const perDayMs = Math.round((Date.now() - started) / dayList.length);
      await em.query('UPDATE rpt_rollup_day SET computed_at = ?, duration_ms = ? WHERE company_id = ? AND day BETWEEN ? AND ?', [new Date(), perDayMs, companyId, first, last]);
    });
  }

  /** The chunk's farmer activity: day rows per day, then each farmer's bits of the chunk's days at once. */
  private async rebuildFarmersChunk(em: EntityManager, companyId: string, first: string, last: string, dayList: string[]): Promise<void> {
    const year = Number(first.slice(0, 4));
    const masks = Array.from({ length: BITMAP_WORDS }, () => 0n);
    for (const day of dayList) { const i = dayIndexInYear(day); masks[Math.floor(i / 64)] |= 1n << BigInt(i % 64); }
    const words = masks.map((_, k) => k);
    await em.query(
      `UPDATE rpt_farmer_year SET ${words.map((k) => `served_w${k} = served_w${k} & CAST(${(ALL_ONES ^ masks[k]).toString()} AS UNSIGNED), active_w${k} = active_w${k} & CAST(${(ALL_ONES ^ masks[k]).toString()} AS UNSIGNED)`).join(', ')}
        WHERE company_id = ? AND year = ?`, [companyId, year],
    );
    await em.query('DELETE FROM rpt_farmer_day WHERE company_id = ? AND day BETWEEN ? AND ?', [companyId, first, last]);
    for (const day of dayList) {
      const { start, end } = businessDayRange(day);
      const base = farmerDayBase({ companyId, day, start, end });
      await em.query(
        `INSERT INTO rpt_farmer_day (company_id, day, point_id, farmer_id, hardship, served, active)
         SELECT ?, ?, b.point_id, b.farmer_id, f.hardship, b.served, 1 FROM (${base.sql}) b JOIN farmer f ON f.id = b.farmer_id
          WHERE b.point_id IS NOT NULL`,
        [companyId, day, ...base.params],
      );
    }
    // the day's bit in its word, as rebuildDay sets it: day index = days since 1 January
    const idx = `DATEDIFF(d.day, MAKEDATE(YEAR(d.day), 1))`;
    const bitOf = (k: number, cond: string) => `BIT_OR(CASE WHEN ${cond} ${idx} DIV 64 = ${k} THEN CAST(1 AS UNSIGNED) << (${idx} MOD 64) ELSE CAST(0 AS UNSIGNED) END)`;
    const wordCols = words.flatMap((k) => [`served_w${k}`, `active_w${k}`]);
    const wordVals = words.flatMap((k) => [bitOf(k, 'd.served = 1 AND'), bitOf(k, '')]).join(', ');
    const y = 'rpt_farmer_year';
    const into = `INSERT INTO ${y} (company_id, node_kind, node_id, year, farmer_id, hardship, ${wordCols.join(', ')})`;
    const onDup = `ON DUPLICATE KEY UPDATE ${wordCols.map((c) => `${y}.${c} = ${y}.${c} | VALUES(${c})`).join(', ')}, ${y}.hardship = VALUES(hardship)`;
    const where = 'd.company_id = ? AND d.day BETWEEN ? AND ?';
    await em.query(`${into} SELECT d.company_id, 'P', d.point_id, ?, d.farmer_id, MAX(d.hardship), ${wordVals}
      FROM rpt_farmer_day d WHERE ${where} GROUP BY d.company_id, d.point_id, d.farmer_id ${onDup}`, [year, companyId, first, last]);
    await em.query(`${into} SELECT d.company_id, 'R', m.region_id, ?, d.farmer_id, MAX(d.hardship), ${wordVals}
      FROM rpt_farmer_day d JOIN rpt_point_region m ON m.company_id = d.company_id AND m.point_id = d.point_id
     WHERE ${where} GROUP BY d.company_id, m.region_id, d.farmer_id ${onDup}`, [year, companyId, first, last]);
    await em.query(`${into} SELECT d.company_id, 'C', d.company_id, ?, d.farmer_id, MAX(d.hardship), ${wordVals}
      FROM rpt_farmer_day d WHERE ${where} GROUP BY d.company_id, d.farmer_id ${onDup}`, [year, companyId, first, last]);
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
    await this.insertPointRows(em, r, w);
    await this.insertRegionAndCompanyRows(em, r, w.companyId, w.day, w.day);
    await moveIntoMonth('');
    // a month row whose every figure went back to zero contributes nothing: drop it
    await em.query(
      `DELETE FROM ${r.table} WHERE company_id = ? AND period = 'M' AND day = ? AND ${r.measures.map((m) => `${m} = 0`).join(' AND ')}`,
      [w.companyId, month],
    );
  }

  /** The day's point rows of one roll-up, from its base query. */
  private async insertPointRows(em: EntityManager, r: SumRollup, w: DayWindow): Promise<void> {
    const cols = [...r.dims, ...r.measures];
    const base = r.base(w);
    await em.query(
      `INSERT INTO ${r.table} (company_id, node_kind, node_id, period, day, ${cols.join(', ')})
       SELECT ?, 'P', b.point_id, 'D', ?, ${r.dims.map((d) => `b.${d}`).join(', ')}, ${r.measures.map((m) => `COALESCE(SUM(b.${m}), 0)`).join(', ')}
         FROM (${base.sql}) b WHERE b.point_id IS NOT NULL GROUP BY b.point_id, ${r.dims.map((d) => `b.${d}`).join(', ')}`,
      [w.companyId, w.day, ...base.params],
    );
  }

  /** The region rows (every region above each point) and company rows of the days [first, last], summed from their point rows. */
  private async insertRegionAndCompanyRows(em: EntityManager, r: SumRollup, companyId: string, first: string, last: string): Promise<void> {
    const into = `INSERT INTO ${r.table} (company_id, node_kind, node_id, period, day, ${[...r.dims, ...r.measures].join(', ')})`;
    const sums = r.measures.map((m) => `SUM(t.${m})`).join(', ');
    const tdims = r.dims.map((d) => `t.${d}`).join(', ');
    await em.query(
      `${into} SELECT t.company_id, 'R', m.region_id, 'D', t.day, ${tdims}, ${sums}
         FROM ${r.table} t JOIN rpt_point_region m ON m.company_id = t.company_id AND m.point_id = t.node_id
        WHERE t.company_id = ? AND t.period = 'D' AND t.day BETWEEN ? AND ? AND t.node_kind = 'P'
        GROUP BY t.company_id, t.day, m.region_id, ${tdims}`,
      [companyId, first, last],
    );
    await em.query(
      `${into} SELECT t.company_id, 'C', t.company_id, 'D', t.day, ${tdims}, ${sums}
         FROM ${r.table} t WHERE t.company_id = ? AND t.period = 'D' AND t.day BETWEEN ? AND ? AND t.node_kind = 'P'
        GROUP BY t.company_id, t.day, ${tdims}`,
      [companyId, first, last],
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
