import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

export enum UnsoldStage {
  /** the `consignment.period_ending` notice of a line (lot 0) */
  PERIOD_ENDING = 'PERIOD_ENDING',
  /** the unsold-goods policy applied to a lot's share of a line (or to the line's goods still at the point: lot 0) */
  ACTED = 'ACTED',
}

export enum UnsoldPolicy {
  /** the company takes the unsold units at the QC-locked price; the farmer is paid as if sold */
  CONVERT = 'CONVERT',
  /** the lot is flagged with a lower suggested price */
  MARKDOWN = 'MARKDOWN',
  /** goods still at the point: the farmer is asked to take them back */
  NOTIFY_RETURN = 'NOTIFY_RETURN',
}

/** `lot_id` of records about a consignment line as a whole or its goods still at the point (no lot). */
export const NO_LOT = '0';

/**
 * What the unsold-goods job did for one lot and consignment line, once per stage (the unique key
 * makes a rerun of the slot write nothing). A record, never an edit: the money moved by a
 * conversion is in `amountFen` and in the ledger posting `unsold-convert:<lotId>:<lineId>`.
 */
@Entity('unsold_action')
@Index('uq_unsold_action', ['lotId', 'consignmentLineId', 'stage'], { unique: true })
@Index('idx_unsold_action_line', ['consignmentLineId'])
@Index('idx_unsold_action_company_day', ['companyId', 'businessDay'])
export class UnsoldActionEntity {
  @IdColumn() id: string;

  @RefColumn() lotId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'varchar', length: 16 }) stage: UnsoldStage;

  /** The policy in force when the job ran (for PERIOD_ENDING: informative). */
  @Column({ type: 'varchar', length: 16 }) policy: string;

  /** Units concerned: converted, marked down, to be taken back, or not yet sold (notice). */
  @Column({ type: 'int', unsigned: true }) unsoldBase: number;

  /** Farmer fen earned by a conversion; 0 otherwise. */
  @FenColumn() amountFen: number;

  @RefColumn() companyId: string;

  /** Asia/Shanghai day of the job's slot. */
  @Column({ type: 'date' }) businessDay: string;

  /** When the line's consignment period ends (capture time + the product's consignment period). */
  @DateTimeColumn() periodEndsAt: Date;

  @CreatedAtColumn() createdAt: Date;
}

/** The markdown flag on a lot: once per lot, with the price suggestion (the SKU's latest sale price less the markdown). */
@Entity('lot_markdown')
@Index('idx_lot_markdown_company_day', ['companyId', 'businessDay'])
export class LotMarkdownEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) lotId: string;

  @RefColumn() companyId: string;

  @Column({ type: 'date' }) businessDay: string;

  @Column({ type: 'int', unsigned: true }) markdownPercent: number;

  @FenColumn({ nullable: true, default: null }) referenceUnitPriceFen: number | null;

  @FenColumn({ nullable: true, default: null }) suggestedUnitPriceFen: number | null;

  @Column({ type: 'int', unsigned: true }) unsoldBase: number;

  @CreatedAtColumn() createdAt: Date;
}
