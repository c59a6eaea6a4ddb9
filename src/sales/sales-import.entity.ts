import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

/** One upload of a platform's order export: counts and the bad rows with their line numbers. */
@Entity('sales_import')
@Index('idx_sales_import_channel', ['channelId', 'id'])
export class SalesImportEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() channelId: string;

  @Column({ type: 'char', length: 64 }) fileHash: string;

  @Column({ type: 'varchar', length: 16 }) mode: string;

  @Column({ type: 'int', unsigned: true }) rowCount: number;

  @Column({ type: 'int', unsigned: true }) importedOrders: number;

  @Column({ type: 'int', unsigned: true }) duplicateOrders: number;

  @Column({ type: 'json' }) badRows: Array<{ line: number; field: string; message: string }>;

  @RefColumn({ nullable: true, default: null }) createdBy: string | null;

  @CreatedAtColumn() createdAt: Date;
}

export enum UnsoldStage {
  PERIOD_ENDING = 'PERIOD_ENDING',
  ACTED = 'ACTED',
}

/** What the unsold-goods job did for one lot and consignment line, once per stage. */
@Entity('unsold_action')
@Index('uq_unsold_action', ['lotId', 'consignmentLineId', 'stage'], { unique: true })
export class UnsoldActionEntity {
  @IdColumn() id: string;

  @RefColumn() lotId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'varchar', length: 16 }) stage: UnsoldStage;

  @Column({ type: 'varchar', length: 16 }) policy: string;

  @Column({ type: 'int', unsigned: true }) unsoldBase: number;

  @FenColumn() amountFen: number;

  @CreatedAtColumn() createdAt: Date;
}
