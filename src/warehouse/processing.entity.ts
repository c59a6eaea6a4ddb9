import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../database/columns';

export enum ProcessingKind {
  SORTING = 'SORTING',
  PACKING = 'PACKING',
  PROCESSING = 'PROCESSING',
}

/**
 * Sorting, packing or processing (分拣/包装/深加工) at a warehouse: received batch items in, SKU lots
 * out. Conservation holds exactly in base units: input = Σ packs × content + loss.
 */
@Entity('processing_record')
@Index('uq_processing_request', ['requestId'], { unique: true })
@Index('idx_processing_warehouse', ['warehouseId', 'processedAt'])
export class ProcessingRecordEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() warehouseId: string;

  @Column({ type: 'char', length: 36 }) requestId: string;

  @Column({ type: 'char', length: 64 }) requestHash: string;

  @Column({ type: 'varchar', length: 16 }) kind: ProcessingKind;

  @RefColumn() productId: string;

  @Column({ type: 'int', unsigned: true }) inputBase: number;

  @Column({ type: 'int', unsigned: true }) outputBase: number;

  @Column({ type: 'int', unsigned: true }) lossBase: number;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) lossReason: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @DateTimeColumn() processedAt: Date;

  @RefColumn() processedBy: string;

  @CreatedAtColumn() createdAt: Date;
}

/** One input of a processing record: how much of a received batch item went in. */
@Entity('processing_input')
@Index('idx_processing_input_record', ['processingId'])
@Index('idx_processing_input_item', ['batchItemId'])
export class ProcessingInputEntity {
  @IdColumn() id: string;

  @RefColumn() processingId: string;

  @RefColumn() batchItemId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;
}
