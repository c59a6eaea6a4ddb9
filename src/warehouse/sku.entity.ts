import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';
import { BaseUnit } from '../catalog/product.entity';

/** A sellable pack (土鸡蛋 30枚礼盒, 坛子菜 500g 瓶装): a fixed content of one product, in its base unit. */
@Entity('sku')
@Index('uq_sku_company_code', ['companyId', 'code'], { unique: true })
@Index('idx_sku_product', ['productId'])
export class SkuEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() productId: string;

  @Column({ length: 32 }) code: string;

  @Column({ length: 100 }) name: string;

  /** Always the product's base unit. */
  @Column({ type: 'varchar', length: 8 }) contentUnit: BaseUnit;

  @Column({ type: 'int', unsigned: true }) contentBasePerPack: number;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
