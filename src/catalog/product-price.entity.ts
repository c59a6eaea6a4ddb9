import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

/**
 * The farmer price of one grade of a product, in fen per display unit, from `effectiveFrom` (until
 * `effectiveTo`, if set). Rows are never edited: a new price is a new row, so the history stays.
 * The price in force at an instant is the latest row whose period contains it.
 */
@Entity('product_price')
@Index('uq_product_price_grade_from', ['productId', 'gradeCode', 'effectiveFrom'], { unique: true })
export class ProductPriceEntity {
  @IdColumn() id: string;

  @RefColumn() productId: string;

  @Column({ length: 16 }) gradeCode: string;

  @Column({ length: 8 }) unitName: string;

  /** Size of `unitName` in base units at the time the price was set (copied, so it never drifts). */
  @Column({ type: 'int', unsigned: true }) unitSizeBase: number;

  @FenColumn() priceFen: number;

  @DateTimeColumn() effectiveFrom: Date;

  @DateTimeColumn({ nullable: true, default: null }) effectiveTo: Date | null;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
}
