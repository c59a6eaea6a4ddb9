import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

/** What quantities of a product are counted in, always as integers. */
export enum BaseUnit {
  PIECE = 'PIECE',
  GRAM = 'GRAM',
  JAR = 'JAR',
}

/** purchase: owed to the farmer on QC acceptance; consignment: owed when sold. */
export enum SettlementMode {
  PURCHASE = 'PURCHASE',
  CONSIGNMENT = 'CONSIGNMENT',
}

/** A unit agents type quantities in (枚, 斤, 公斤, 瓶, 坛) and its exact size in base units. */
export type DisplayUnit = { name: string; baseUnitsPerDisplayUnit: number };
export type ProductGrade = { code: string; name: string };
export type ChecklistItem = { key: string; label: string };

/**
 * A product of the company's catalog (土鸡蛋, 坛子菜, …). Units, grades and the QC checklist are small,
 * fixed lists kept on the product; prices, which change over time, are rows of product_price.
 */
@Entity('product')
@Index('uq_product_company_code', ['companyId', 'code'], { unique: true })
@Index('idx_product_company_category', ['companyId', 'category'])
export class ProductEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ length: 32 }) code: string;

  @Column({ length: 50 }) name: string;

  @Column({ length: 32 }) category: string;

  @Column({ type: 'varchar', length: 8 }) baseUnit: BaseUnit;

  @Column({ type: 'json' }) units: DisplayUnit[];

  @Column({ type: 'json' }) grades: ProductGrade[];

  @Column({ type: 'json' }) qcChecklist: ChecklistItem[];

  @Column({ type: 'int', unsigned: true }) shelfLifeDays: number;

  @Column({ type: 'varchar', length: 16 }) settlementMode: SettlementMode;

  /** Consignment mode: days the company has to sell goods after intake before the unsold-goods policy applies. */
  @Column({ type: 'int', unsigned: true, default: 30 }) consignmentPeriodDays: number;

  /** Consignment mode: when set, the farmer earns this share (basis points) of the sale price instead of the QC price snapshot. */
  @Column({ type: 'int', unsigned: true, nullable: true, default: null }) farmerShareBasisPoints: number | null;

  /** Sanity maximum of one consignment line, in base units (catches 5000 斤 typed for 5 斤). */
  @Column({ type: 'int', unsigned: true }) maxQuantityBasePerLine: number;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
