import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';
import { RegionLevel } from './region-level.enum';

/**
 * province → city → county → township → village. `path` is the materialized path of ids
 * ('/1/4/9/'), so "everything under this county" is one indexed prefix match.
 */
@Entity('region')
@Index('idx_region_parent', ['parentId'])
@Index('idx_region_path', ['path'])
export class RegionEntity {
  @IdColumn() id: string;

  @RefColumn({ nullable: true, default: null }) parentId: string | null;

  @Column({ type: 'varchar', length: 16 }) level: RegionLevel;

  /** 12-digit administrative division code (统计用区划代码). */
  @Index('uq_region_code', { unique: true })
  @Column({ length: 12 }) code: string;

  @Column({ length: 64 }) name: string;

  @Column({ length: 255 }) path: string;

  @CreatedAtColumn() createdAt: Date;
}
