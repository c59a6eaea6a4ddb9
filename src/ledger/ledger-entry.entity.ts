import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';
import { EntryKind, SaleChannel } from './ledger.enums';

/**
 * One immutable line of a posting on one account, in integer fen (signed). Farmer-facing entries
 * carry what a statement shows per item: product, quantity, unit price, intake/sale date, channel.
 *
 * Entries of one account are inserted only while the posting holds that account's row lock (the
 * balance UPDATE comes first), so per account, entry ids grow in commit order: the settlement claim
 * relies on it (see src/settlement/settlement.service.ts).
 */
@Entity('ledger_entry')
// Covering for the settlement run and balances: a run reads (account, id range, kind, time, amount)
// from this index alone, never the rows.
@Index('idx_ledger_entry_account', ['accountId', 'id', 'kind', 'createdAt', 'amountFen'])
@Index('idx_ledger_entry_posting', ['postingId'])
@Index('idx_ledger_entry_company_kind', ['companyId', 'kind', 'createdAt'])
export class LedgerEntryEntity {
  @IdColumn() id: string;

  @RefColumn() postingId: string;

  @RefColumn() companyId: string;

  @RefColumn() accountId: string;

  @Column({ type: 'varchar', length: 24 }) kind: EntryKind;

  @FenColumn() amountFen: number;

  @RefColumn({ nullable: true, default: null }) pointId: string | null;

  @RefColumn({ nullable: true, default: null }) productId: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) gradeCode: string | null;

  @Column({ type: 'bigint', nullable: true, default: null }) quantityBase: string | null;

  /** fen per `priceUnitSizeBase` base units (the locked farmer price) */
  @FenColumn({ nullable: true, default: null }) unitPriceFen: number | null;

  @Column({ type: 'int', unsigned: true, nullable: true, default: null }) priceUnitSizeBase: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) channel: SaleChannel | null;

  /** when the fact happened (intake capture, sale); the posting time is createdAt */
  @DateTimeColumn({ nullable: true, default: null }) occurredAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) description: string | null;

  @CreatedAtColumn() createdAt: Date;
}
