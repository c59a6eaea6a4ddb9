import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../database/columns';

/**
 * The quality check (质检) of one consignment line. A correction never edits it: it is superseded
 * (`supersededAt`) by a new revision and an amendment records who, when, why, before and after.
 */
@Entity('quality_check')
@Index('uq_quality_check_line_revision', ['lineId', 'revision'], { unique: true })
@Index('idx_quality_check_consignment', ['consignmentId'])
export class QualityCheckEntity {
  @IdColumn() id: string;

  @RefColumn() consignmentId: string;

  @RefColumn() lineId: string;

  @Column({ type: 'smallint', unsigned: true }) revision: number;

  /** Hash of the canonical QC input, so a retried identical QC is recognised. */
  @Column({ type: 'char', length: 64 }) requestHash: string;

  @RefColumn() checkedBy: string;

  @DateTimeColumn() checkedAt: Date;

  @Column({ type: 'int', unsigned: true }) acceptedQuantityBase: number;

  @Column({ type: 'int', unsigned: true }) rejectedQuantityBase: number;

  @Column({ type: 'int', unsigned: true, nullable: true, default: null }) measuredWeightGrams: number | null;

  /** Answers to the product's checklist, e.g. { cracks: true, dirt: false }. */
  @Column({ type: 'json' }) checklist: Record<string, boolean>;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @DateTimeColumn({ nullable: true, default: null }) supersededAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
}
