import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../../database/columns';
import { ArrivalSource, DownParcelStatus, PickupMethod } from '../parcel.enums';

/**
 * A parcel delivered into the village (下行), waiting on the point's shelf for its recipient.
 *
 * Two uniqueness rules live in the database through nullable "open" copies (MySQL allows many NULLs
 * in a unique index): `openPickupCode` is set while the parcel is on the shelf, so a code is unique
 * among the point's uncollected parcels; `unreturnedWaybill` is set until the parcel is returned, so
 * a carrier's waybill can be registered again only after the earlier parcel went back.
 */
@Entity('down_parcel')
@Index('uq_down_parcel_open_code', ['pointId', 'openPickupCode'], { unique: true })
@Index('uq_down_parcel_unreturned_waybill', ['carrierId', 'unreturnedWaybill'], { unique: true })
@Index('uq_down_parcel_client', ['pointId', 'clientId'], { unique: true })
// No `status` in the tail and farmer indexes: a pickup changes it, and would rewrite their entries.
@Index('idx_down_parcel_point_tail', ['pointId', 'recipientPhoneLast4'])
@Index('idx_down_parcel_point_arrived', ['pointId', 'arrivedAt'])
@Index('idx_down_parcel_point_code', ['pointId', 'pickupCode'])
@Index('idx_down_parcel_status_arrived', ['status', 'arrivedAt'])
@Index('idx_down_parcel_recipient_farmer', ['recipientFarmerId'])
@Index('idx_down_parcel_recipient_phone', ['recipientPhone'])
@Index('idx_down_parcel_point_id', ['pointId', 'id'])
export class DownParcelEntity {
  @IdColumn() id: string;

  @RefColumn() pointId: string;

  @RefColumn() carrierId: string;

  @Column({ length: 20 }) waybillNo: string;

  @Column({ type: 'varchar', length: 20, nullable: true, default: null }) unreturnedWaybill: string | null;

  @Column({ length: 50 }) recipientName: string;

  @Column({ length: 20 }) recipientPhone: string;

  @Column({ type: 'char', length: 4 }) recipientPhoneLast4: string;

  /** Set when the phone matches a registered farmer of the company (see FARMER_PHONE_LOOKUP). */
  @RefColumn({ nullable: true, default: null }) recipientFarmerId: string | null;

  @Column({ type: 'int', unsigned: true, nullable: true, default: null }) weightG: number | null;

  @Column({ length: 20 }) pickupCode: string;

  @Column({ type: 'varchar', length: 20, nullable: true, default: null }) openPickupCode: string | null;

  @Column({ type: 'varchar', length: 16 }) status: DownParcelStatus;

  @Column({ type: 'varchar', length: 8 }) source: ArrivalSource;

  @RefColumn({ nullable: true, default: null }) manifestId: string | null;

  /** Client-generated id of the scan, so a retried registration creates the parcel once. */
  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) clientId: string | null;

  @DateTimeColumn() arrivedAt: Date;

  @RefColumn() registeredByUserId: string;

  @DateTimeColumn({ nullable: true, default: null }) remindedAt: Date | null;

  /** Wrong pickup attempts since the last clear; at the configured limit the parcel is flagged. */
  @Column({ type: 'smallint', unsigned: true, default: 0 }) failedPickupAttempts: number;

  @DateTimeColumn({ nullable: true, default: null }) flaggedAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) collectedAt: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) pickupMethod: PickupMethod | null;

  @RefColumn({ nullable: true, default: null }) collectedByUserId: string | null;

  /** Client-generated id of the pickup, so a retried pickup answers the same instead of 409. */
  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) pickupClientId: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true, default: null }) proxyName: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true, default: null }) proxyPhone: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) proxyNote: string | null;

  @DateTimeColumn({ nullable: true, default: null }) returnedAt: Date | null;

  @Column({ type: 'varchar', length: 20, nullable: true, default: null }) returnWaybillNo: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) returnReason: string | null;

  @RefColumn({ nullable: true, default: null }) returnedByUserId: string | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
