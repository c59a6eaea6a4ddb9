import type { PublicTraceSummary } from './public-trace-summary';
import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

/**
 * A lot (批号) of one SKU at one warehouse, made by one processing record. Packs on hand include the
 * reserved ones; expired packs are moved out of on-hand by the daily best-before job. The trace code
 * is short, random and unique: the QR payload of the public trace page.
 */
@Entity('lot')
@Index('uq_lot_trace_code', ['traceCode'], { unique: true })
@Index('idx_lot_fefo', ['warehouseId', 'skuId', 'bestBefore'])
@Index('idx_lot_best_before', ['bestBefore'])
@Index('idx_lot_processing', ['processingId'])
@Index('idx_lot_warehouse_stock', ['warehouseId', 'onHandPacks'])
export class LotEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() warehouseId: string;

  @RefColumn() skuId: string;

  @RefColumn() productId: string;

  @RefColumn() processingId: string;

  /** `L<YYYYMMDD>-<id>`. */
  @Column({ type: 'varchar', length: 32, nullable: true, default: null }) lotNo: string | null;

  @Column({ type: 'char', length: 12 }) traceCode: string;

  /** What the public trace page shows of the lot's origins, written when it is packed (see public-trace-summary.ts). */
  @Column({ type: 'json', nullable: true, default: null, select: false }) publicTrace: PublicTraceSummary | null;

  @Column({ type: 'int', unsigned: true }) packsProduced: number;

  @Column({ type: 'int', unsigned: true }) onHandPacks: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) reservedPacks: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) expiredPacks: number;

  /** Earliest capture time among the consignment lines that went in. */
  @DateTimeColumn() earliestIntakeAt: Date;

  /** 'YYYY-MM-DD' (Asia/Shanghai): earliest intake day + the product's shelf life. */
  @Column({ type: 'date' }) bestBefore: string;

  @DateTimeColumn() packedAt: Date;

  @DateTimeColumn({ nullable: true, default: null }) nearBestBeforeAlertedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}

/** Which consignment lines (and farmers) a lot came from, with the base units each contributed. */
@Entity('lot_provenance')
@Index('idx_lot_provenance_lot', ['lotId'])
@Index('idx_lot_provenance_line', ['consignmentLineId'])
export class LotProvenanceEntity {
  @IdColumn() id: string;

  @RefColumn() lotId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @RefColumn() batchItemId: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;
}

export enum AdjustmentKind {
  COUNT_CORRECTION = 'COUNT_CORRECTION',
  BREAKAGE = 'BREAKAGE',
  EXPIRED = 'EXPIRED',
  OTHER = 'OTHER',
}

/** Every change of stock other than processing and sales: a record with a reason, never an edit. */
@Entity('stock_adjustment')
@Index('uq_stock_adjustment_request', ['requestId'], { unique: true })
@Index('idx_stock_adjustment_lot', ['lotId'])
export class StockAdjustmentEntity {
  @IdColumn() id: string;

  @RefColumn() lotId: string;

  @RefColumn() warehouseId: string;

  @Column({ type: 'char', length: 36 }) requestId: string;

  @Column({ type: 'varchar', length: 20 }) kind: AdjustmentKind;

  /** Change of on-hand packs (negative: fewer). */
  @Column({ type: 'int' }) deltaPacks: number;

  @Column({ length: 255 }) reason: string;

  @RefColumn({ nullable: true, default: null }) actorId: string | null;

  @DateTimeColumn() adjustedAt: Date;

  @CreatedAtColumn() createdAt: Date;
}
