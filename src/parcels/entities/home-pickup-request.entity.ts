import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../../database/columns';
import { HomePickupStatus } from '../parcel.enums';

/** A villager phoned the point to have a courier fetch a parcel from home (上门揽件). */
@Entity('home_pickup_request')
@Index('idx_home_pickup_point_status', ['pointId', 'status', 'id'])
@Index('uq_home_pickup_client', ['pointId', 'clientId'], { unique: true })
export class HomePickupRequestEntity {
  @IdColumn() id: string;

  @RefColumn() pointId: string;

  @RefColumn({ nullable: true, default: null }) carrierId: string | null;

  @Column({ length: 50 }) requesterName: string;

  @Column({ length: 20 }) requesterPhone: string;

  @RefColumn({ nullable: true, default: null }) requesterFarmerId: string | null;

  @Column({ length: 255 }) address: string;

  @DateTimeColumn() windowStart: Date;

  @DateTimeColumn() windowEnd: Date;

  @Column({ type: 'varchar', length: 16 }) status: HomePickupStatus;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) clientId: string | null;

  @RefColumn() createdByUserId: string;

  @DateTimeColumn({ nullable: true, default: null }) closedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
