import { Entity, PrimaryColumn } from 'typeorm';
import { ParcelCountColumns } from './parcel-count-columns';
import { CountPeriod, ParcelDirection } from '../parcel.enums';

/**
 * The same counts rolled up to every region above the point (village, township, county, city,
 * province) per day, month and year, maintained in the same transaction as the point's daily row.
 * A county's monthly report over a year is then an index range of a few hundred rows, whatever
 * the number of points or parcels.
 */
@Entity('parcel_region_count')
export class ParcelRegionCountEntity extends ParcelCountColumns {
  /** Regions are shared by companies; each company's figures are its own. */
  @PrimaryColumn({ type: 'bigint', unsigned: true }) companyId: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) regionId: string;
  @PrimaryColumn({ type: 'char', length: 1 }) period: CountPeriod;
  /** First day of the period (the day, the 1st of the month, 1 January). */
  @PrimaryColumn({ type: 'date' }) periodStart: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) carrierId: string;
  @PrimaryColumn({ type: 'varchar', length: 4 }) direction: ParcelDirection;
}
