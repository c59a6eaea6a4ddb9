import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { scopeByPoint } from '../common/access/scope';
import { businessDayRange } from '../common/business-day';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate, paginateRaw, PageQueryDto } from '../common/pagination';
import { SettlementConfig } from '../config';
import { isDuplicateKeyError } from '../database/transaction';
import { aggregateToNumber } from '../database/transformers/bigint.transformer';
import { ExportSource, keysetSource } from '../exports/keyset-source';
import { FarmersService } from '../farmers/farmers.service';
import { AccountOwnerType, AccountType } from '../ledger/ledger.enums';
import { LedgerService, SETTLEABLE_KINDS } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { CreateSettlementRunDto, FarmerLedgerQueryDto, ListStatementsQueryDto } from './dto/settlement.dto';
import { PayoutStatementEntity, StatementStatus } from './payout-statement.entity';
import { SettlementRunEntity, SettlementRunStatus } from './settlement-run.entity';

export const SETTLEMENT_EVENTS = { STATEMENT_READY: 'settlement.statement_ready' } as const;

const runNotFound = () => new NotFoundError('结算批次', 'Settlement run', 'SETTLEMENT_RUN_NOT_FOUND');
const statementNotFound = () => new NotFoundError('结算单', 'Payout statement', 'STATEMENT_NOT_FOUND');
const KINDS_SQL = SETTLEABLE_KINDS.map((k) => `'${k}'`).join(', ');

export type RunView = {
  id: string; periodKey: string; cutoffAt: Date; pointIds: string[] | null; status: SettlementRunStatus;
  statementCount: number; totalFen: number; minPayoutFen: number; createdAt: Date; approvedAt: Date | null; approvedBy: string | null;
};
export type StatementView = {
  id: string; runId: string; farmerId: string; pointId: string; totalFen: number; itemCount: number; status: StatementStatus;
  approvedAt: Date | null; createdAt: Date;
};
/** A statement in a run's list: with its farmer's name and village, read in the same query. */
export type StatementListView = StatementView & { farmerName: string; villageName: string | null };
export type StatementItemView = {
  entryId: string; kind: string; amountFen: number; productId: string | null; productName: string | null; gradeCode: string | null;
  quantityBase: number | null; unitPriceFen: number | null; priceUnitSizeBase: number | null; channel: string | null;
  occurredAt: Date | null; postedAt: Date; description: string | null;
};

export type StatementFilters = { runId?: string; pointId?: string; farmerId?: string; status?: StatementStatus };
/** One statement as the export writes it. */
export type StatementExportRow = StatementListView & { periodKey: string; pointName: string };

const toRunView = (r: SettlementRunEntity): RunView => ({
  id: r.id, periodKey: r.periodKey, cutoffAt: r.cutoffAt, pointIds: r.pointIds, status: r.status, statementCount: r.statementCount,
  totalFen: r.totalFen, minPayoutFen: r.minPayoutFen, createdAt: r.createdAt, approvedAt: r.approvedAt, approvedBy: r.approvedBy,
});
export const toStatementView = (s: PayoutStatementEntity): StatementView => ({
  id: s.id, runId: s.runId, farmerId: s.farmerId, pointId: s.pointId, totalFen: s.totalFen, itemCount: s.itemCount, status: s.status,
  approvedAt: s.approvedAt, createdAt: s.createdAt,
});

/**
 * A statements query's own columns with the farmer's name and village: each a primary-key lookup
 * (farmer.id, region.id) per statement row, in the same query.
 */
const withFarmer = <E extends ObjectLiteral>(qb: SelectQueryBuilder<E>) => qb.select([
  's.id AS id', 's.run_id AS runId', 's.farmer_id AS farmerId', 'f.name AS farmerName', 'v.name AS villageName', 's.point_id AS pointId',
  's.total_fen AS totalFen', 's.item_count AS itemCount', 's.status AS status', 's.approved_at AS approvedAt', 's.created_at AS createdAt',
]).leftJoin('farmer', 'f', 'f.id = s.farmer_id').leftJoin('region', 'v', 'v.id = f.village_region_id');

const toStatementListView = (r: Record<string, unknown>): StatementListView => ({
  id: String(r.id), runId: String(r.runId), farmerId: String(r.farmerId), farmerName: (r.farmerName as string) ?? '',
  villageName: (r.villageName as string | null) ?? null, pointId: String(r.pointId), totalFen: aggregateToNumber(r.totalFen),
  itemCount: Number(r.itemCount), status: r.status as StatementStatus, approvedAt: (r.approvedAt as Date | null) ?? null, createdAt: r.createdAt as Date,
});

/**
 * Settlement runs (结算): per farmer, every unsettled settleable entry up to the cut-off becomes a
 * payout statement, in a few set-based statements (no loop over farmers).
 *
 * How an entry is claimed without rewriting it: a statement covers the farmer account's entries
 * with id in (fromEntryId, throughEntryId]. `fromEntryId` is the account's settlement cursor (the
 * previous statement's end), `throughEntryId` the highest settleable entry id visible at the cut-off.
 * This is safe although ids are assigned at insert and committed later, because LedgerService.post
 * takes the account's row lock *before* inserting its entries and holds it to commit: per account,
 * entries are inserted one posting at a time, so an entry still in flight always has a higher id than
 * every committed one, and any snapshot sees a prefix of the account's entries. The run reads one
 * consistent snapshot (READ COMMITTED: INSERT … SELECT then takes no shared locks on the ledger), so
 * postings never wait for a run. UNIQUE(account_id, from_entry_id) chains statements end to start:
 * two runs racing on the same account cannot both start at the same place; the loser fails on the
 * unique key, rolls back entirely and is retried from the new cursor.
 */
@Injectable()
export class SettlementService {
  private readonly logger = new Logger(SettlementService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly farmers: FarmersService,
    private readonly ledger: LedgerService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /** Creates the run for a company and period, or returns it if it exists (retry, second server). */
  async createRun(actor: Principal | null, companyId: string, dto: CreateSettlementRunDto): Promise<{ run: RunView; created: boolean }> {
    const cutoffAt = businessDayRange(dto.throughDay).end;
    if (Number.isNaN(cutoffAt.getTime())) throw new RuleViolationError('SETTLEMENT_DAY_INVALID', '截止日无效', 'throughDay is not a date');
    if (cutoffAt.getTime() > Date.now() + 86400_000) {
      throw new RuleViolationError('SETTLEMENT_CUTOFF_FUTURE', '截止日不能晚于今天', 'throughDay must not be after today',
        [{ field: 'throughDay', message: '不能晚于今天', messageEn: 'must not be in the future' }]);
    }
    const pointIds = dto.pointIds?.length ? [...new Set(dto.pointIds)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) : null;
    if (pointIds && actor) for (const id of pointIds) await this.farmersPointCheck(actor, id);
    const periodKey = dto.periodKey ?? `through-${dto.throughDay}${pointIds ? `/points-${pointIds.join('.')}` : ''}`.slice(0, 120);
    const minPayoutFen = this.config.getOrThrow<SettlementConfig>('settlement').minPayoutFen;

    for (let attempt = 1; ; attempt++) {
      const existing = await this.findRun(companyId, periodKey);
      if (existing) return { run: toRunView(existing), created: false };
      try {
        const run = await this.dataSource.transaction('READ COMMITTED', (em) =>
          this.buildRun(em, actor, companyId, periodKey, cutoffAt, pointIds, minPayoutFen));
        return { run: toRunView(run), created: true };
      } catch (err) {
        // Same period created meanwhile (found above on the next turn), or a concurrent run of another
        // period claimed the same account first (uq_payout_statement_account_from): retry from the new cursor.
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
        if (attempt >= 5 || !(isDuplicateKeyError(err) || code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT')) throw err;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
      }
    }
  }

  private async buildRun(em: EntityManager, actor: Principal | null, companyId: string, periodKey: string, cutoffAt: Date, pointIds: string[] | null, minPayoutFen: number): Promise<SettlementRunEntity> {
    const inserted = await em.query(
      `INSERT INTO settlement_run (company_id, period_key, cutoff_at, point_ids, status, statement_count, total_fen, min_payout_fen, created_by)
       VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)`,
      [companyId, periodKey, cutoffAt, pointIds ? JSON.stringify(pointIds) : null, SettlementRunStatus.READY, minPayoutFen, actor?.id ?? null],
    ) as { insertId: number | string };
    const runId = String(inserted.insertId);
    const pointFilter = pointIds ? `AND f.usual_point_id IN (${pointIds.map(() => '?').join(', ')})` : '';
    // The one aggregate pass: per farmer account, everything after its cursor up to the cut-off. It walks
    // the farmer accounts in owner order (uq_ledger_account_owner, so no temporary table) and reads each
    // account's entries from the covering idx_ledger_entry_account alone.
    await em.query(
      `INSERT INTO payout_statement (run_id, company_id, farmer_id, account_id, point_id, from_entry_id, through_entry_id, total_fen, item_count, status)
       SELECT ?, a.company_id, a.owner_id, a.id, MAX(f.usual_point_id), MAX(COALESCE(c.settled_through_entry_id, 0)), MAX(e.id), SUM(e.amount_fen), COUNT(*), ?
       FROM ledger_account a
       JOIN farmer f ON f.id = a.owner_id
       LEFT JOIN settlement_cursor c ON c.account_id = a.id
       JOIN ledger_entry e ON e.account_id = a.id AND e.id > COALESCE(c.settled_through_entry_id, 0)
       WHERE a.company_id = ? AND a.owner_type = ? AND a.account_type = ? AND e.created_at <= ? AND e.kind IN (${KINDS_SQL}) ${pointFilter}
       GROUP BY a.owner_id, a.id, a.company_id
       HAVING SUM(e.amount_fen) >= ?`,
      [runId, StatementStatus.PENDING_APPROVAL, companyId, AccountOwnerType.FARMER, AccountType.FARMER_PAYABLE, cutoffAt, ...(pointIds ?? []), minPayoutFen],
    );
    await em.query(
      `INSERT INTO settlement_cursor (account_id, company_id, settled_through_entry_id)
       SELECT account_id, company_id, through_entry_id FROM payout_statement WHERE run_id = ?
       ON DUPLICATE KEY UPDATE settled_through_entry_id = VALUES(settled_through_entry_id)`,
      [runId],
    );
    await em.query(
      `UPDATE settlement_run r JOIN (SELECT COUNT(*) AS n, COALESCE(SUM(total_fen), 0) AS total FROM payout_statement WHERE run_id = ?) s
       SET r.statement_count = s.n, r.total_fen = s.total WHERE r.id = ?`,
      [runId, runId],
    );
    await this.outbox.publishFromSelect(em, SETTLEMENT_EVENTS.STATEMENT_READY, 'payout_statement',
      `SELECT id AS aggregate_id, JSON_OBJECT('statementId', CAST(id AS CHAR), 'runId', CAST(run_id AS CHAR), 'companyId', CAST(company_id AS CHAR),
         'farmerId', CAST(farmer_id AS CHAR), 'totalFen', total_fen, 'itemCount', item_count) AS payload
       FROM payout_statement WHERE run_id = ?`, [runId]);
    const run = await em.getRepository(SettlementRunEntity).findOneByOrFail({ id: runId });
    if (actor) {
      await this.audit.record(em, actor, { entityType: 'settlement_run', entityId: runId, action: 'create', after: { periodKey, cutoffAt, pointIds, statementCount: run.statementCount, totalFen: run.totalFen } });
    }
    this.logger.log({ runId, companyId, periodKey, statements: run.statementCount, totalFen: run.totalFen }, 'settlement run created');
    return run;
  }

  private findRun(companyId: string, periodKey: string): Promise<SettlementRunEntity | null> {
    return this.dataSource.getRepository(SettlementRunEntity).findOneBy({ companyId, periodKey });
  }

  private async farmersPointCheck(actor: Principal, pointId: string): Promise<void> {
    const [row] = await this.dataSource.query('SELECT company_id FROM commerce_point WHERE id = ?', [pointId]);
    if (!row || String(row.company_id) !== actor.companyId) throw new NotFoundError('服务点', 'Commerce point', 'POINT_NOT_FOUND');
  }

  /** Approves a run and every statement of it still pending (admin). A second approval is 409. */
  async approveRun(actor: Principal, runId: string): Promise<RunView> {
    return this.dataSource.transaction(async (em) => {
      const run = await em.getRepository(SettlementRunEntity).findOne({ where: { id: runId, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!run) throw runNotFound();
      if (run.status !== SettlementRunStatus.READY) {
        throw new ConflictError('SETTLEMENT_RUN_ALREADY_APPROVED', '结算批次已审批', 'The settlement run is already approved');
      }
      const now = new Date();
      await em.getRepository(SettlementRunEntity).update({ id: runId }, { status: SettlementRunStatus.APPROVED, approvedBy: actor.id, approvedAt: now });
      await em.query(
        'UPDATE payout_statement SET status = ?, approved_by = ?, approved_at = ? WHERE run_id = ? AND status = ?',
        [StatementStatus.APPROVED, actor.id, now, runId, StatementStatus.PENDING_APPROVAL],
      );
      await this.audit.record(em, actor, { entityType: 'settlement_run', entityId: runId, action: 'approve', before: { status: run.status }, after: { status: SettlementRunStatus.APPROVED } });
      return toRunView(await em.getRepository(SettlementRunEntity).findOneByOrFail({ id: runId }));
    });
  }

  /** Approves one statement (admin); only a pending one (409 otherwise). */
  async approveStatement(actor: Principal, statementId: string): Promise<StatementView> {
    return this.dataSource.transaction(async (em) => {
      const s = await em.getRepository(PayoutStatementEntity).findOne({ where: { id: statementId, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!s) throw statementNotFound();
      if (s.status !== StatementStatus.PENDING_APPROVAL) {
        throw new ConflictError('STATEMENT_NOT_PENDING', '结算单不在待审批状态', `The statement is ${s.status}, not pending approval`);
      }
      await em.getRepository(PayoutStatementEntity).update({ id: s.id }, { status: StatementStatus.APPROVED, approvedBy: actor.id, approvedAt: new Date() });
      await this.audit.record(em, actor, { entityType: 'payout_statement', entityId: s.id, action: 'approve', before: { status: s.status }, after: { status: StatementStatus.APPROVED } });
      return toStatementView(await em.getRepository(PayoutStatementEntity).findOneByOrFail({ id: s.id }));
    });
  }

  // ---- for the payouts module ----

  /** Locks a statement of the company for paying it (payouts module), or 404. */
  async lockStatement(em: EntityManager, companyId: string, statementId: string): Promise<PayoutStatementEntity> {
    const s = await em.getRepository(PayoutStatementEntity).findOne({ where: { id: statementId, companyId }, lock: { mode: 'pessimistic_write' } });
    if (!s) throw statementNotFound();
    return s;
  }

  /** Sum and count of a statement's items recomputed from the ledger (a payout pays items, never a bare amount). */
  async itemsTotal(em: EntityManager, s: PayoutStatementEntity): Promise<{ totalFen: number; itemCount: number }> {
    const [row] = await em.query(
      `SELECT COALESCE(SUM(amount_fen), 0) AS total, COUNT(*) AS n FROM ledger_entry
       WHERE account_id = ? AND id > ? AND id <= ? AND kind IN (${KINDS_SQL})`, [s.accountId, s.fromEntryId, s.throughEntryId]);
    return { totalFen: aggregateToNumber(row.total), itemCount: aggregateToNumber(row.n) };
  }

  async setStatementStatus(em: EntityManager, statementId: string, from: StatementStatus[], to: StatementStatus): Promise<boolean> {
    const res = await em.query(
      `UPDATE payout_statement SET status = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`, [to, statementId, ...from],
    ) as { affectedRows: number };
    return res.affectedRows === 1;
  }

  /** The period key of a statement's run (SMS text), or null. */
  async statementPeriod(statementId: string): Promise<string | null> {
    const [row] = await this.dataSource.query(
      'SELECT r.period_key FROM payout_statement s JOIN settlement_run r ON r.id = s.run_id WHERE s.id = ?', [statementId]);
    return row ? String(row.period_key) : null;
  }

  /** Approved statements of a run not yet paid (ids), for paying a whole run. */
  async approvedStatementIds(companyId: string, runId: string): Promise<string[]> {
    const rows = await this.dataSource.query(
      'SELECT id FROM payout_statement WHERE company_id = ? AND run_id = ? AND status = ? ORDER BY id', [companyId, runId, StatementStatus.APPROVED]);
    return rows.map((r: { id: string }) => String(r.id));
  }

  // ---- queries ----

  async getRun(actor: Principal, runId: string): Promise<RunView & { points: Array<Record<string, unknown>> }> {
    const run = await this.dataSource.getRepository(SettlementRunEntity).findOneBy({ id: runId, companyId: actor.companyId });
    if (!run) throw runNotFound();
    const qb = this.dataSource.getRepository(PayoutStatementEntity).createQueryBuilder('s')
      .select('s.point_id', 'pointId')
      .addSelect('COUNT(*)', 'farmers')
      .addSelect('SUM(s.total_fen)', 'totalFen')
      .addSelect(`SUM(CASE WHEN s.status = '${StatementStatus.PAID}' THEN s.total_fen ELSE 0 END)`, 'paidFen')
      .addSelect(`SUM(CASE WHEN s.status = '${StatementStatus.PAID}' THEN 1 ELSE 0 END)`, 'paidCount')
      .addSelect(`SUM(CASE WHEN s.status = '${StatementStatus.PAYOUT_FAILED}' THEN s.total_fen ELSE 0 END)`, 'failedFen')
      .addSelect(`SUM(CASE WHEN s.status = '${StatementStatus.PAYOUT_FAILED}' THEN 1 ELSE 0 END)`, 'failedCount')
      .addSelect(`SUM(CASE WHEN s.status IN ('${StatementStatus.PAYING}') THEN 1 ELSE 0 END)`, 'payingCount')
      .where('s.run_id = :runId', { runId });
    if (actor.role !== Role.ADMIN) scopeByPoint(qb, 's.point_id', actor);
    const rows = await qb.groupBy('s.point_id').orderBy('s.point_id').getRawMany();
    return {
      ...toRunView(run),
      points: rows.map((r) => ({
        pointId: String(r.pointId), farmers: aggregateToNumber(r.farmers), totalFen: aggregateToNumber(r.totalFen),
        paidFen: aggregateToNumber(r.paidFen), paidCount: aggregateToNumber(r.paidCount), failedFen: aggregateToNumber(r.failedFen),
        failedCount: aggregateToNumber(r.failedCount), payingCount: aggregateToNumber(r.payingCount),
      })),
    };
  }

  listRuns(actor: Principal, query: PageQueryDto): Promise<Page<RunView>> {
    const qb = this.dataSource.getRepository(SettlementRunEntity).createQueryBuilder('r').where('r.company_id = :c', { c: actor.companyId });
    return paginate(qb, 'r.id', query, toRunView);
  }

  listRunStatements(actor: Principal, runId: string, query: ListStatementsQueryDto): Promise<Page<StatementListView>> {
    return paginateRaw(withFarmer(this.statementsQuery(actor, { runId, pointId: query.pointId })), 's.id', query, toStatementListView);
  }

  /**
   * The export of statements (of one run, or of every run): the run statements list's scope (the
   * statement's point) and filters. A run of another company is 404 before anything is written.
   */
  async exportStatementsSource(actor: Principal, filters: StatementFilters): Promise<ExportSource<StatementExportRow>> {
    if (filters.runId) {
      const run = await this.dataSource.getRepository(SettlementRunEntity).findOneBy({ id: filters.runId, companyId: actor.companyId });
      if (!run) throw runNotFound();
    }
    return keysetSource(this.statementsQuery(actor, filters), {
      idColumn: 's.id',
      index: 'idx_payout_statement_company_id',
      select: (qb) => withFarmer(qb).addSelect(['r.period_key AS periodKey', 'cp.name AS pointName'])
        .leftJoin('settlement_run', 'r', 'r.id = s.run_id').leftJoin('commerce_point', 'cp', 'cp.id = s.point_id'),
      map: (r) => ({ ...toStatementListView(r), periodKey: (r.periodKey as string) ?? '', pointName: (r.pointName as string) ?? '' }),
    });
  }

  /** Statements in the caller's scope (by the statement's point), filtered. */
  private statementsQuery(actor: Principal, filters: StatementFilters) {
    const qb = this.dataSource.getRepository(PayoutStatementEntity).createQueryBuilder('s').where('s.company_id = :c', { c: actor.companyId });
    scopeByPoint(qb, 's.point_id', actor);
    if (filters.runId) qb.andWhere('s.run_id = :runId', { runId: filters.runId });
    if (filters.pointId) qb.andWhere('s.point_id = :pointId', { pointId: filters.pointId });
    if (filters.farmerId) qb.andWhere('s.farmer_id = :farmerId', { farmerId: filters.farmerId });
    if (filters.status) qb.andWhere('s.status = :status', { status: filters.status });
    return qb;
  }

  /** A statement with every item (the ledger entries it pays). Farmers see only their own. */
  async getStatement(actor: Principal, statementId: string): Promise<StatementView & { items: StatementItemView[] }> {
    const s = await this.dataSource.getRepository(PayoutStatementEntity).findOneBy({ id: statementId, companyId: actor.companyId });
    if (!s) throw statementNotFound();
    await this.assertFarmerVisible(actor, s.farmerId).catch(() => { throw statementNotFound(); });
    const items = await this.entryViews(
      `e.account_id = ? AND e.id > ? AND e.id <= ? AND e.kind IN (${KINDS_SQL})`, [s.accountId, s.fromEntryId, s.throughEntryId]);
    return { ...toStatementView(s), items };
  }

  /** A farmer's statements, newest first. */
  async farmerStatements(actor: Principal, farmerId: string, query: PageQueryDto): Promise<Page<StatementView>> {
    await this.assertFarmerVisible(actor, farmerId);
    const qb = this.dataSource.getRepository(PayoutStatementEntity).createQueryBuilder('s')
      .where('s.farmer_id = :farmerId AND s.company_id = :c', { farmerId, c: actor.companyId });
    return paginate(qb, 's.id', query, toStatementView);
  }

  /**
   * A farmer's money now: balance (what we owe), pending (earned, in no statement yet), in settlement
   * (statements awaiting approval or payout), paying (payout in flight) and paid (payouts confirmed).
   * balance = pending + inSettlement; a payout in flight has already left the balance.
   */
  async farmerMoney(actor: Principal, farmerId: string): Promise<Record<string, number | string>> {
    await this.assertFarmerVisible(actor, farmerId);
    const [acc] = await this.dataSource.query(
      `SELECT a.id, a.balance_fen, COALESCE(c.settled_through_entry_id, 0) AS cursor_id FROM ledger_account a
       LEFT JOIN settlement_cursor c ON c.account_id = a.id
       WHERE a.company_id = ? AND a.owner_type = 'FARMER' AND a.owner_id = ? AND a.account_type = ?`,
      [actor.companyId, farmerId, AccountType.FARMER_PAYABLE]);
    if (!acc) return { farmerId, balanceFen: 0, pendingFen: 0, inSettlementFen: 0, payingFen: 0, paidFen: 0 };
    const [pending] = await this.dataSource.query(
      `SELECT COALESCE(SUM(amount_fen), 0) AS s FROM ledger_entry WHERE account_id = ? AND id > ? AND kind IN (${KINDS_SQL})`, [acc.id, acc.cursor_id]);
    const [st] = await this.dataSource.query(
      `SELECT COALESCE(SUM(CASE WHEN status IN (?, ?) THEN total_fen END), 0) AS in_settlement,
              COALESCE(SUM(CASE WHEN status = ? THEN total_fen END), 0) AS paying,
              COALESCE(SUM(CASE WHEN status = ? THEN total_fen END), 0) AS paid
       FROM payout_statement WHERE account_id = ?`,
      [StatementStatus.PENDING_APPROVAL, StatementStatus.APPROVED, StatementStatus.PAYING, StatementStatus.PAID, acc.id]);
    return {
      farmerId, balanceFen: aggregateToNumber(acc.balance_fen), pendingFen: aggregateToNumber(pending.s),
      inSettlementFen: aggregateToNumber(st.in_settlement), payingFen: aggregateToNumber(st.paying), paidFen: aggregateToNumber(st.paid),
    };
  }

  /** Every line of a farmer's account in a period, with the balance before and after it. */
  async farmerLedger(actor: Principal, farmerId: string, query: FarmerLedgerQueryDto): Promise<Record<string, unknown>> {
    await this.assertFarmerVisible(actor, farmerId);
    const from = query.from ? new Date(query.from) : new Date(0);
    const to = query.to ? new Date(query.to) : new Date(Date.now() + 1000);
    const acc = await this.ledger.findFarmerAccount(actor.companyId, farmerId);
    if (!acc) return { farmerId, from, to, openingBalanceFen: 0, closingBalanceFen: 0, lines: [] };
    const [opening] = await this.dataSource.query('SELECT COALESCE(SUM(amount_fen), 0) AS s FROM ledger_entry WHERE account_id = ? AND created_at < ?', [acc.id, from]);
    const lines = await this.entryViews('e.account_id = ? AND e.created_at >= ? AND e.created_at < ?', [acc.id, from, to]);
    const openingBalanceFen = aggregateToNumber(opening.s);
    return { farmerId, from, to, openingBalanceFen, closingBalanceFen: lines.reduce((sum, l) => sum + l.amountFen, openingBalanceFen), lines };
  }

  /** What the company owes each farmer right now (non-zero balances), in the caller's points. */
  async owed(actor: Principal, query: ListStatementsQueryDto): Promise<Page<{ farmerId: string; farmerName: string; pointId: string; balanceFen: number }>> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [actor.companyId, AccountType.FARMER_PAYABLE];
    let where = '';
    if (query.pointId) { where += ' AND f.usual_point_id = ?'; params.push(query.pointId); }
    if (actor.role === Role.AGENT) {
      if (!actor.pointIds.length) return { items: [], nextCursor: null };
      where += ` AND f.usual_point_id IN (${actor.pointIds.map(() => '?').join(', ')})`; params.push(...actor.pointIds);
    } else if (actor.role === Role.REGION_MANAGER) {
      where += ' AND f.usual_point_id IN (SELECT id FROM commerce_point WHERE company_id = ? AND region_path LIKE ?)';
      params.push(actor.companyId, `${actor.regionPath ?? '/none/'}%`);
    }
    if (query.cursor) { where += ' AND a.id < ?'; params.push(query.cursor); }
    const rows = await this.dataSource.query(
      `SELECT a.id, a.owner_id, a.balance_fen, f.name, f.usual_point_id FROM ledger_account a JOIN farmer f ON f.id = a.owner_id
       WHERE a.company_id = ? AND a.account_type = ? AND a.balance_fen <> 0 ${where} ORDER BY a.id DESC LIMIT ${limit + 1}`, params);
    const items = rows.slice(0, limit);
    return {
      items: items.map((r: Record<string, string>) => ({ farmerId: String(r.owner_id), farmerName: r.name, pointId: String(r.usual_point_id), balanceFen: aggregateToNumber(r.balance_fen) })),
      nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null,
    };
  }

  /** Farmers see only themselves; staff see the farmers the farmer registry lets them see (else 404). */
  async assertFarmerVisible(actor: Principal, farmerId: string): Promise<void> {
    if (actor.role === Role.FARMER || actor.kind === 'farmer') {
      if (actor.id !== farmerId) throw new NotFoundError('农户', 'Farmer', 'FARMER_NOT_FOUND');
      return;
    }
    await this.farmers.get(actor, farmerId);
  }

  private async entryViews(where: string, params: unknown[]): Promise<StatementItemView[]> {
    const rows = await this.dataSource.query(
      `SELECT e.id, e.kind, e.amount_fen, e.product_id, p.name AS product_name, e.grade_code, e.quantity_base, e.unit_price_fen,
              e.price_unit_size_base, e.channel, e.occurred_at, e.created_at, e.description
       FROM ledger_entry e LEFT JOIN product p ON p.id = e.product_id WHERE ${where} ORDER BY e.id`, params) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      entryId: String(r.id), kind: String(r.kind), amountFen: aggregateToNumber(r.amount_fen),
      productId: r.product_id === null ? null : String(r.product_id), productName: (r.product_name as string | null) ?? null,
      gradeCode: (r.grade_code as string | null) ?? null, quantityBase: r.quantity_base === null ? null : aggregateToNumber(r.quantity_base),
      unitPriceFen: r.unit_price_fen === null ? null : aggregateToNumber(r.unit_price_fen),
      priceUnitSizeBase: r.price_unit_size_base === null ? null : Number(r.price_unit_size_base), channel: (r.channel as string | null) ?? null,
      occurredAt: (r.occurred_at as Date | null) ?? null, postedAt: r.created_at as Date, description: (r.description as string | null) ?? null,
    }));
  }
}
