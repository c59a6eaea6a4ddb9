import { Column, Entity, Index } from 'typeorm';
import { IdColumn, RefColumn } from '../database/columns';
import { RejectDisposition, RejectReason } from './intake-status';

/** Rejected quantity at a QC with its reason and its return record (returned, or discarded with consent). */
@Entity('quality_check_reject')
@Index('idx_quality_check_reject_check', ['qualityCheckId'])
@Index('idx_quality_check_reject_line', ['lineId'])
export class QualityCheckRejectEntity {
  @IdColumn() id: string;

  @RefColumn() qualityCheckId: string;

  @RefColumn() lineId: string;

  @Column({ type: 'varchar', length: 16 }) reason: RejectReason;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @Column({ type: 'varchar', length: 24 }) disposition: RejectDisposition;
}
