import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn } from '../database/columns';

export enum OutboxStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
}

/**
 * Transactional outbox: a domain event written in the same transaction as the change it describes.
 * The worker's relay moves pending rows to the Bull queue (job id = `outbox-<id>`) and marks them sent.
 */
@Entity('outbox_event')
@Index('idx_outbox_event_status_id', ['status', 'id'])
@Index('idx_outbox_event_aggregate', ['aggregateType', 'aggregateId'])
export class OutboxEventEntity {
  @IdColumn() id: string;

  @Column({ length: 64 }) eventType: string;

  @Column({ length: 64 }) aggregateType: string;

  @Column({ length: 64 }) aggregateId: string;

  @Column({ type: 'json' }) payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 8, default: OutboxStatus.PENDING }) status: OutboxStatus;

  @Column({ type: 'int', unsigned: true, default: 0 }) relayAttempts: number;

  @Column({ type: 'varchar', length: 500, nullable: true, default: null }) lastError: string | null;

  @CreatedAtColumn() createdAt: Date;

  @DateTimeColumn({ nullable: true, default: null }) sentAt: Date | null;
}
