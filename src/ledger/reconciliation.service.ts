import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { aggregateToNumber } from '../database/transformers/bigint.transformer';
import { OutboxService } from '../outbox/outbox.service';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { LEDGER_EVENTS } from './ledger.enums';

export type ReconciliationResult = {
  companyId: string;
  checkedAt: Date;
  ok: boolean;
  accountCount: number;
  entryCount: number;
  /** sum of every entry of the company: must be 0 */
  ledgerTotalFen: number;
  /** sum of every maintained balance: must be 0 */
  balancesTotalFen: number;
  /** accounts whose maintained balance differs from the sum of their entries (first 100) */
  mismatchedAccounts: Array<{ accountId: string; balanceFen: number; entriesSumFen: number }>;
  /** postings whose entries do not sum to zero (first 100) */
  unbalancedPostings: Array<{ postingId: string; sumFen: number }>;
};

export const LEDGER_TIMED_JOBS = { RECONCILE: 'ledger.reconcile' } as const;

/**
 * Proves the ledger: per account, maintained balance = sum of entries; per posting, entries sum to
 * zero; per company, everything sums to zero. Daily as a timed job (publishes
 * ledger.reconciliation_failed when anything differs), and on demand for admins.
 */
@Injectable()
export class ReconciliationService implements OnModuleInit {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(private readonly dataSource: DataSource, private readonly outbox: OutboxService, private readonly registry: TimedJobsRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      name: LEDGER_TIMED_JOBS.RECONCILE,
      cron: '15 3 * * *',
      description: '账本对账（每日）Check every account balance against its entries and that the ledger sums to zero, daily',
      run: async (slot) => this.reconcileAll(slot),
    });
  }

  /** Every company; an alert event per company that does not reconcile. */
  async reconcileAll(slot: Date): Promise<{ companies: number; failed: string[] }> {
    const companies = await this.dataSource.query('SELECT DISTINCT company_id FROM ledger_account') as Array<{ company_id: string }>;
    const failed: string[] = [];
    for (const { company_id } of companies) {
      const result = await this.check(String(company_id));
      if (!result.ok) {
        failed.push(result.companyId);
        await this.alert(result, slot);
      }
    }
    return { companies: companies.length, failed };
  }

  /** Runs the check for one company now; publishes the alert event if it fails. */
  async checkNow(companyId: string): Promise<ReconciliationResult> {
    const result = await this.check(companyId);
    if (!result.ok) await this.alert(result, new Date());
    return result;
  }

  async check(companyId: string): Promise<ReconciliationResult> {
    const checkedAt = new Date();
    // REPEATABLE READ: the first read fixes the snapshot for all four, so postings committing meanwhile cannot show as differences.
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const mismatched = await em.query(
        `SELECT a.id, a.balance_fen, COALESCE(s.sum_fen, 0) AS sum_fen
         FROM ledger_account a
         LEFT JOIN (SELECT account_id, SUM(amount_fen) AS sum_fen FROM ledger_entry WHERE company_id = ? GROUP BY account_id) s ON s.account_id = a.id
         WHERE a.company_id = ? AND a.balance_fen <> COALESCE(s.sum_fen, 0) LIMIT 100`, [companyId, companyId],
      ) as Array<{ id: string; balance_fen: string; sum_fen: string }>;
      const unbalanced = await em.query(
        `SELECT posting_id, SUM(amount_fen) AS sum_fen FROM ledger_entry WHERE company_id = ? GROUP BY posting_id HAVING SUM(amount_fen) <> 0 LIMIT 100`,
        [companyId],
      ) as Array<{ posting_id: string; sum_fen: string }>;
      const [totals] = await em.query('SELECT COUNT(*) AS n, SUM(amount_fen) AS total FROM ledger_entry WHERE company_id = ?', [companyId]);
      const [balances] = await em.query('SELECT COUNT(*) AS n, SUM(balance_fen) AS total FROM ledger_account WHERE company_id = ?', [companyId]);
      const result: ReconciliationResult = {
        companyId, checkedAt, ok: false,
        accountCount: aggregateToNumber(balances.n), entryCount: aggregateToNumber(totals.n),
        ledgerTotalFen: aggregateToNumber(totals.total), balancesTotalFen: aggregateToNumber(balances.total),
        mismatchedAccounts: mismatched.map((r) => ({ accountId: String(r.id), balanceFen: aggregateToNumber(r.balance_fen), entriesSumFen: aggregateToNumber(r.sum_fen) })),
        unbalancedPostings: unbalanced.map((r) => ({ postingId: String(r.posting_id), sumFen: aggregateToNumber(r.sum_fen) })),
      };
      result.ok = result.ledgerTotalFen === 0 && result.balancesTotalFen === 0 && mismatched.length === 0 && unbalanced.length === 0;
      return result;
    });
  }

  private async alert(result: ReconciliationResult, slot: Date): Promise<void> {
    this.logger.error({ companyId: result.companyId, mismatched: result.mismatchedAccounts.length, unbalanced: result.unbalancedPostings.length }, 'ledger does not reconcile');
    await this.dataSource.transaction((em) => this.outbox.publish(em, {
      eventType: LEDGER_EVENTS.RECONCILIATION_FAILED, aggregateType: 'company', aggregateId: result.companyId,
      payload: { ...result, slot: slot.toISOString() } as unknown as Record<string, unknown>,
    }));
  }
}
