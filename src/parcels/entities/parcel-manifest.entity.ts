import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../../database/columns';

/** One uploaded arrival manifest (CSV from a carrier or the county co-delivery van) and its outcome. */
@Entity('parcel_manifest')
@Index('idx_parcel_manifest_point', ['pointId', 'id'])
export class ParcelManifestEntity {
  @IdColumn() id: string;

  @RefColumn() pointId: string;

  @Column({ length: 16 }) mode: string;

  @Column({ type: 'int', unsigned: true }) rowCount: number;

  @Column({ type: 'int', unsigned: true }) importedCount: number;

  @Column({ type: 'int', unsigned: true }) alreadyRegisteredCount: number;

  @Column({ type: 'int', unsigned: true }) rejectedCount: number;

  @RefColumn() uploadedByUserId: string;

  @CreatedAtColumn() createdAt: Date;
}
