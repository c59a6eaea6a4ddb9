import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ParcelDirection } from '../parcel.enums';

/**
 * Parcel counts of one point × carrier × business day × direction, upserted in the transaction of
 * each event (`x = x + n`), so they always equal a recount of the parcel tables.
 * `pickupWaitSeconds` sums arrival-to-pickup times of the parcels collected that day (for averages).
 */
@Entity('parcel_daily_count')
@Index('idx_parcel_daily_count_day', ['businessDay'])
export class ParcelDailyCountEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) pointId: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) carrierId: string;
  @PrimaryColumn({ type: 'date' }) businessDay: string;
  @PrimaryColumn({ type: 'varchar', length: 4 }) direction: ParcelDirection;

  @Column({ type: 'int', unsigned: true, default: 0 }) received: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) collected: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) returned: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) sent: number;
  @Column({ type: 'bigint', unsigned: true, default: 0 }) pickupWaitSeconds: string;
}
