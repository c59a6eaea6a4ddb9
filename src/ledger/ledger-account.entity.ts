import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';
import { AccountOwnerType, AccountType } from './ledger.enums';

/**
 * A ledger account, created on demand, one per (company, owner type, owner id, account type).
 * `balanceFen` is maintained in the transaction of every posting with
 * `UPDATE … SET balance_fen = balance_fen + ?` (which also row-locks the account, in id order);
 * the reconciliation proves it equals the sum of the account's entries.
 */
@Entity('ledger_account')
@Index('uq_ledger_account_owner', ['companyId', 'ownerType', 'ownerId', 'accountType'], { unique: true })
@Index('idx_ledger_account_company_type', ['companyId', 'accountType'])
export class LedgerAccountEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ type: 'varchar', length: 24 }) ownerType: AccountOwnerType;

  /** farmer / staff user / point / village region id; 0 for the company's own accounts */
  @RefColumn() ownerId: string;

  @Column({ type: 'varchar', length: 24 }) accountType: AccountType;

  @FenColumn({ default: 0 }) balanceFen: number;

  @CreatedAtColumn() createdAt: Date;
}
