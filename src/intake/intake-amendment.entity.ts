import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';
import { AmendmentKind } from './intake-status';

/** A correction of a consignment after the fact: who, when, why, before and after. Never edited. */
@Entity('intake_amendment')
@Index('idx_intake_amendment_consignment', ['consignmentId'])
export class IntakeAmendmentEntity {
  @IdColumn() id: string;

  @RefColumn() consignmentId: string;

  @RefColumn({ nullable: true, default: null }) lineId: string | null;

  @Column({ type: 'varchar', length: 24 }) kind: AmendmentKind;

  @RefColumn() actorId: string;

  @Column({ length: 255 }) reason: string;

  @Column({ type: 'json' }) before: Record<string, unknown>;

  @Column({ type: 'json' }) after: Record<string, unknown>;

  @CreatedAtColumn() createdAt: Date;
}
