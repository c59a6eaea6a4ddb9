import { Column, Entity, Index } from 'typeorm';
import { IdColumn, RefColumn } from '../database/columns';

/**
 * A consignment line's quantity in a batch. A line appears at most once per batch (adding it again
 * merges); across batches the line's `batched_quantity_base` counter (CHECK ≤ accepted) keeps any
 * quantity from being batched twice. Receiving fills received/damaged/lost (and surplus); processing
 * draws from received through `processed_base`; chargebacks set aside `charged_back_base`.
 */
@Entity('batch_item')
@Index('uq_batch_item_line', ['batchId', 'consignmentLineId'], { unique: true })
@Index('idx_batch_item_line', ['consignmentLineId'])
export class BatchItemEntity {
  @IdColumn() id: string;

  @RefColumn() batchId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() consignmentId: string;

  @RefColumn() farmerId: string;

  @RefColumn() productId: string;

  /** Shipped quantity in base units. */
  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) receivedBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) damagedBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) lostBase: number;

  /** Received beyond the manifest, with a declared reason. */
  @Column({ type: 'int', unsigned: true, default: 0 }) surplusBase: number;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) surplusReason: string | null;

  /** received + damaged + lost = shipped + surplus: nothing of the line is unaccounted. */
  @Column({ default: false }) accounted: boolean;

  @Column({ type: 'int', unsigned: true, default: 0 }) processedBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) chargedBackBase: number;
}
