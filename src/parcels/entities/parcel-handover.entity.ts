import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../../database/columns';

/**
 * The day's up parcels handed to one carrier's courier: one record with the count and the waybills,
 * signed off by the agent (the caller) and by the courier (name, phone and signature text).
 */
@Entity('parcel_handover')
@Index('idx_parcel_handover_point', ['pointId', 'id'])
export class ParcelHandoverEntity {
  @IdColumn() id: string;

  @RefColumn() pointId: string;

  @RefColumn() carrierId: string;

  @Column({ type: 'date' }) businessDay: string;

  @Column({ type: 'int', unsigned: true }) parcelCount: number;

  @Column({ type: 'json' }) waybillNos: string[];

  @Column({ length: 50 }) courierName: string;

  @Column({ length: 20 }) courierPhone: string;

  /** What the courier signed with (name typed on the agent's phone, or a signature image reference). */
  @Column({ length: 255 }) courierSignature: string;

  @RefColumn() agentUserId: string;

  @DateTimeColumn() handedOverAt: Date;

  @CreatedAtColumn() createdAt: Date;
}
