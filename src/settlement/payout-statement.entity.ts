import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

export enum StatementStatus {
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  APPROVED = 'APPROVED',
  /** a payout was issued and is in flight */
  PAYING = 'PAYING',
  PAID = 'PAID',
  /** the payout failed; a reversal returned the money to the farmer's balance (next run) */
  PAYOUT_FAILED = 'PAYOUT_FAILED',
}

/**
 * A farmer's payout statement (结算单). Its items are the farmer's settleable ledger entries with
 * id in (fromEntryId, throughEntryId] — claimed by range, not by stamping each entry. The unique
 * (account, fromEntryId) chains statements end to start, so no entry can be in two statements.
 */
@Entity('payout_statement')
@Index('uq_payout_statement_account_from', ['accountId', 'fromEntryId'], { unique: true })
@Index('idx_payout_statement_run_point', ['runId', 'pointId'])
@Index('idx_payout_statement_farmer', ['farmerId', 'id'])
@Index('idx_payout_statement_company_status', ['companyId', 'status'])
@Index('idx_payout_statement_company_created', ['companyId', 'createdAt'])
@Index('idx_payout_statement_company_id', ['companyId', 'id'])
export class PayoutStatementEntity {
  @IdColumn() id: string;

  @RefColumn() runId: string;

  @RefColumn() companyId: string;

  @RefColumn() farmerId: string;

  /** the farmer's FARMER_PAYABLE ledger account */
  @RefColumn() accountId: string;

  /** the farmer's usual point when the run was made (run report per point) */
  @RefColumn() pointId: string;

  /** exclusive lower bound: the previous statement's throughEntryId, or 0 */
  @RefColumn() fromEntryId: string;

  @RefColumn() throughEntryId: string;

  @FenColumn() totalFen: number;

  @Column({ type: 'int', unsigned: true }) itemCount: number;

  @Column({ type: 'varchar', length: 20 }) status: StatementStatus;

  @RefColumn({ nullable: true, default: null }) approvedBy: string | null;

  @DateTimeColumn({ nullable: true, default: null }) approvedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
