import { Column, Entity, Index } from 'typeorm';
import { FenColumn, IdColumn, RefColumn } from '../database/columns';
import { SettlementMode } from '../catalog/product.entity';
import { LineStatus } from './intake-status';

/**
 * One product on a consignment. The quantity is kept as typed (`quantityText` + `unitName`) and
 * exactly in base units; the farmer price of the declared grade in force at capture time, its unit
 * and the settlement mode are snapshotted here so later price changes never alter it. QC fills the
 * accepted/rejected counters; batching advances `batchedQuantityBase`, a hand-back `handedBackQuantityBase`.
 */
@Entity('consignment_line')
@Index('uq_consignment_line_no', ['consignmentId', 'lineNo'], { unique: true })
@Index('idx_consignment_line_product', ['productId', 'consignmentId'])
@Index('idx_consignment_line_status', ['status'])
export class ConsignmentLineEntity {
  @IdColumn() id: string;

  @RefColumn() consignmentId: string;

  @Column({ type: 'smallint', unsigned: true }) lineNo: number;

  @RefColumn() productId: string;

  @Column({ length: 16 }) declaredGradeCode: string;

  @Column({ length: 16 }) quantityText: string;

  @Column({ length: 8 }) unitName: string;

  @Column({ type: 'int', unsigned: true }) unitSizeBase: number;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @FenColumn() priceFen: number;

  @Column({ length: 8 }) priceUnitName: string;

  @Column({ type: 'int', unsigned: true }) priceUnitSizeBase: number;

  @Column({ type: 'varchar', length: 16 }) settlementMode: SettlementMode;

  @FenColumn() estimatedAmountFen: number;

  @Column({ type: 'varchar', length: 16 }) status: LineStatus;

  @Column({ type: 'int', unsigned: true, default: 0 }) acceptedQuantityBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) rejectedQuantityBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) batchedQuantityBase: number;

  /** Consignment-mode goods given back to the farmer at the point (`goods_hand_back`); batched + handed back ≤ accepted. */
  @Column({ type: 'int', unsigned: true, default: 0 }) handedBackQuantityBase: number;

  /** Accepted quantity at the accepted grades' prices in force at capture time (locked at QC). */
  @FenColumn({ default: 0 }) acceptedAmountFen: number;
}
