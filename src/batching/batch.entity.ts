import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';
import { BatchStatus, CarrierKind } from './batch-status';

/** Per-product totals frozen at sealing. */
export type ManifestTotals = {
  lineCount: number;
  farmerCount: number;
  products: Array<{ productId: string; quantityBase: number; lineCount: number }>;
};

/**
 * A batch (批次): accepted goods of one commerce point travelling to one warehouse. Items are added
 * while OPEN; sealing freezes the manifest totals; dispatch records the vehicle; receiving at the
 * warehouse accounts every item (received, damaged, lost) and then the batch can be closed.
 */
@Entity('batch')
@Index('uq_batch_client_id', ['clientId'], { unique: true })
@Index('idx_batch_point_status', ['pointId', 'status'])
@Index('idx_batch_warehouse_status', ['warehouseId', 'status'])
@Index('idx_batch_status_dispatched', ['status', 'dispatchedAt'])
export class BatchEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() pointId: string;

  @RefColumn() warehouseId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  /** `<POINTCODE>-<YYYYMMDD>-B<id>`. */
  @Column({ type: 'varchar', length: 48, nullable: true, default: null }) batchNo: string | null;

  @Column({ type: 'varchar', length: 16 }) status: BatchStatus;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @RefColumn() createdBy: string;

  @DateTimeColumn({ nullable: true, default: null }) sealedAt: Date | null;

  @RefColumn({ nullable: true, default: null }) sealedBy: string | null;

  @Column({ type: 'json', nullable: true, default: null }) manifestTotals: ManifestTotals | null;

  @DateTimeColumn({ nullable: true, default: null }) dispatchedAt: Date | null;

  @RefColumn({ nullable: true, default: null }) dispatchedBy: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) vehiclePlate: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true, default: null }) driverName: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true, default: null }) driverPhone: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) carrierKind: CarrierKind | null;

  @Column({ type: 'varchar', length: 100, nullable: true, default: null }) carrierName: string | null;

  @DateTimeColumn({ nullable: true, default: null }) departedAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) receivingStartedAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) receivedAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) closedAt: Date | null;

  @RefColumn({ nullable: true, default: null }) closedBy: string | null;

  @DateTimeColumn({ nullable: true, default: null }) cancelledAt: Date | null;

  @RefColumn({ nullable: true, default: null }) cancelledBy: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) cancelReason: string | null;

  /** Set when `batch.stale` was published, so it is published once. */
  @DateTimeColumn({ nullable: true, default: null }) staleAlertedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
