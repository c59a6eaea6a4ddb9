import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';
import { EntryKind } from './ledger.enums';

/**
 * One business fact posted to the ledger: its entries sum to zero (double entry). The source key
 * (e.g. `qc-grade:17`, `chargeback:5`, `payout:9`) is unique, so the same fact posts once however
 * often its event is delivered. Never updated or deleted; a correction is a new REVERSAL posting.
 */
@Entity('ledger_posting')
@Index('uq_ledger_posting_source_key', ['sourceKey'], { unique: true })
@Index('idx_ledger_posting_company', ['companyId', 'id'])
export class LedgerPostingEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ length: 120 }) sourceKey: string;

  @Column({ type: 'varchar', length: 24 }) kind: EntryKind;

  /** the posting this one reverses */
  @RefColumn({ nullable: true, default: null }) reversesPostingId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) reason: string | null;

  @Column({ type: 'json', nullable: true, default: null }) meta: Record<string, unknown> | null;

  /** staff user for manual postings; null for postings from events */
  @RefColumn({ nullable: true, default: null }) createdBy: string | null;

  @CreatedAtColumn() createdAt: Date;
}
