import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

/** The company's 仓储配送中心: receives batches, sorts, packs, holds stock. */
@Entity('warehouse')
@Index('uq_warehouse_company_code', ['companyId', 'code'], { unique: true })
export class WarehouseEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn({ nullable: true, default: null }) regionId: string | null;

  @Column({ length: 16 }) code: string;

  @Column({ length: 100 }) name: string;

  @Column({ length: 255 }) address: string;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
