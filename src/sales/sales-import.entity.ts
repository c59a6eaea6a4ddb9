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
