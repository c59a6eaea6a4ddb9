import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

/**
 * A village service center's commerce point (商务服务点): the counter where goods are taken in and
 * parcels handled. `regionPath` copies its region's path so region scoping needs no join.
 */
@Entity('commerce_point')
@Index('uq_commerce_point_company_code', ['companyId', 'code'], { unique: true })
@Index('idx_commerce_point_region_path', ['companyId', 'regionPath'])
export class CommercePointEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() regionId: string;

  @Column({ length: 255 }) regionPath: string;

  /** Short code used in receipt numbers, e.g. HQG → HQG-20261123-0007. */
  @Column({ length: 16 }) code: string;

  @Column({ length: 100 }) name: string;

  /** The 党群服务中心 hosting the point. */
  @Column({ length: 100 }) serviceCenterName: string;

  @Column({ length: 255 }) address: string;

  @Column({ length: 20 }) contactPhone: string;

  /** Free text as shown to villagers, e.g. 每天 08:00-18:00. */
  @Column({ length: 100 }) openingHours: string;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
