import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAtColumn } from '../../database/columns';

/**
 * A point's parcel shelves and its pickup-code counter. `nextPickupNo` is locked FOR UPDATE in the
 * arrival transaction and advanced by the number of codes taken (a whole range for a manifest).
 */
@Entity('parcel_station')
export class ParcelStationEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) pointId: string;

  @Column({ type: 'smallint', unsigned: true }) shelfCount: number;

  @Column({ type: 'smallint', unsigned: true }) layerCount: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) nextPickupNo: number;

  @UpdatedAtColumn() updatedAt: Date;
}
