import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../../database/columns';
import { SenderKind, UpParcelStatus } from '../parcel.enums';

/**
 * A parcel sent out of the village (上行). When it carries a farmer's own goods (product and
 * quantity in the product's base unit) it counts as a direct sale in the village's income figures.
 */
@Entity('up_parcel')
@Index('uq_up_parcel_waybill', ['carrierId', 'waybillNo'], { unique: true })
@Index('uq_up_parcel_client', ['pointId', 'clientId'], { unique: true })
@Index('idx_up_parcel_point_status', ['pointId', 'status', 'carrierId'])
@Index('idx_up_parcel_point_sent', ['pointId', 'sentAt'])
@Index('idx_up_parcel_point_id', ['pointId', 'id'])
export class UpParcelEntity {
  @IdColumn() id: string;

  @RefColumn() pointId: string;

  @RefColumn() carrierId: string;

  @Column({ length: 20 }) waybillNo: string;

  @Column({ type: 'varchar', length: 16 }) senderKind: SenderKind;

  @RefColumn({ nullable: true, default: null }) senderFarmerId: string | null;

  @Column({ length: 50 }) senderName: string;

  @Column({ length: 20 }) senderPhone: string;

  @Column({ length: 20 }) destinationProvince: string;

  @Column({ length: 30 }) destinationCity: string;

  @Column({ type: 'int', unsigned: true }) weightG: number;

  @FenColumn() feeFen: number;

  @Column({ length: 100 }) declaredContents: string;

  @RefColumn({ nullable: true, default: null }) goodsProductId: string | null;

  /** In the product's base unit (pieces, grams, jars). */
  @Column({ type: 'int', unsigned: true, nullable: true, default: null }) goodsQuantity: number | null;

  @Column({ type: 'varchar', length: 16 }) status: UpParcelStatus;

  @RefColumn({ nullable: true, default: null }) handoverId: string | null;

  @RefColumn({ nullable: true, default: null }) homePickupRequestId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) clientId: string | null;

  @DateTimeColumn() sentAt: Date;

  @RefColumn() registeredByUserId: string;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
