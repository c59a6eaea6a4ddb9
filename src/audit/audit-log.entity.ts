import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';

export type FieldChange = { field: string; before: unknown; after: unknown };

/** Who changed what, when: written in the same transaction as every state change made by a person. */
@Entity('audit_log')
@Index('idx_audit_log_company_id', ['companyId', 'id'])
@Index('idx_audit_log_entity', ['entityType', 'entityId'])
@Index('idx_audit_log_actor', ['actorKind', 'actorId'])
export class AuditLogEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ type: 'varchar', length: 8 }) actorKind: 'staff' | 'farmer' | 'system';

  @RefColumn({ nullable: true, default: null }) actorId: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true, default: null }) actorRole: string | null;

  @Column({ length: 64 }) entityType: string;

  @Column({ length: 64 }) entityId: string;

  @Column({ length: 32 }) action: string;

  @Column({ type: 'json' }) changes: FieldChange[];

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) reason: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) requestId: string | null;

  @CreatedAtColumn() createdAt: Date;
}
