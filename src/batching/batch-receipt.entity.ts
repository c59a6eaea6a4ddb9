import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';

/** One receiving step at the warehouse (a truck may be unloaded in several). */
@Entity('batch_receipt')
@Index('idx_batch_receipt_batch', ['batchId'])
export class BatchReceiptEntity {
  @IdColumn() id: string;

  @RefColumn() batchId: string;

  @Column({ type: 'char', length: 36 }) requestId: string;

  @RefColumn() receivedBy: string;

  @Column({ type: 'smallint', unsigned: true }) lineCount: number;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @CreatedAtColumn() createdAt: Date;
}

/** What one receiving step counted for one batch item. */
@Entity('batch_receipt_line')
@Index('idx_batch_receipt_line_receipt', ['receiptId'])
@Index('idx_batch_receipt_line_item', ['batchItemId'])
export class BatchReceiptLineEntity {
  @IdColumn() id: string;

  @RefColumn() receiptId: string;

  @RefColumn() batchItemId: string;

  @Column({ type: 'int', unsigned: true }) receivedBase: number;

  @Column({ type: 'int', unsigned: true }) damagedBase: number;

  /** Declared missing when the item was closed (`complete`). */
  @Column({ type: 'int', unsigned: true }) lostBase: number;
}
