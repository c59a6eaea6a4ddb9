import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, RefColumn } from '../database/columns';

/**
 * A client request id already applied to a batch (add items, receipt, chargeback). Inserting it
 * first in the transaction makes a retried or concurrent duplicate a no-op; the hash tells a retry
 * from a reused id.
 */
@Entity('batch_request')
export class BatchRequestEntity {
  @PrimaryColumn({ type: 'char', length: 36 }) requestId: string;

  @RefColumn() batchId: string;

  @Column({ length: 16 }) kind: string;

  @Column({ type: 'char', length: 64 }) requestHash: string;

  @CreatedAtColumn() createdAt: Date;
}
