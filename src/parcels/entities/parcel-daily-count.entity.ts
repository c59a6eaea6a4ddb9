import { Entity, Index, PrimaryColumn } from 'typeorm';
import { ParcelDirection } from '../parcel.enums';
import { ParcelCountColumns } from './parcel-count-columns';

/**
 * Parcel counts of one point × carrier × business day × direction, upserted in the transaction of
 * each event (`x = x + n`), so they always equal a recount of the parcel tables.
 * `pickupWaitSeconds` sums arrival-to-pickup times of the parcels collected that day (for averages).
 */
@Entity('parcel_daily_count')
@Index('idx_parcel_daily_count_day', ['businessDay'])
export class ParcelDailyCountEntity extends ParcelCountColumns {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) pointId: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) carrierId: string;
  @PrimaryColumn({ type: 'date' }) businessDay: string;
  @PrimaryColumn({ type: 'varchar', length: 4 }) direction: ParcelDirection;
}
