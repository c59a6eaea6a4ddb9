import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../../database/columns';
import { DoorDeliveryReason, DoorDeliveryStatus } from '../parcel.enums';

/** 送件上门: a down parcel taken to the door of an elderly or disabled recipient. One per parcel. */
@Entity('door_delivery')
@Index('uq_door_delivery_parcel', ['parcelId'], { unique: true })
@Index('idx_door_delivery_point_status', ['pointId', 'status', 'id'])
export class DoorDeliveryEntity {
  @IdColumn() id: string;

  @RefColumn() parcelId: string;

  @RefColumn() pointId: string;

  @Column({ type: 'varchar', length: 16 }) reason: DoorDeliveryReason;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) address: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @Column({ type: 'varchar', length: 16 }) status: DoorDeliveryStatus;

  @RefColumn() requestedByUserId: string;

  @Column({ type: 'varchar', length: 50, nullable: true, default: null }) deliveredByName: string | null;

  @RefColumn({ nullable: true, default: null }) deliveredByUserId: string | null;

  @DateTimeColumn({ nullable: true, default: null }) deliveredAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
