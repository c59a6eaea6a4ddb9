import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, UpdatedAtColumn } from '../../database/columns';

/**
 * An express carrier (中国邮政/EMS, 顺丰, 中通…). Reference data shared by every company: the
 * national carriers are seeded by a migration, admins may add regional ones. `waybillHint` is a
 * regular expression used only to warn on an unusual waybill, never to refuse a real scan.
 */
@Entity('carrier')
export class CarrierEntity {
  @IdColumn() id: string;

  @Index('uq_carrier_code', { unique: true })
  @Column({ length: 16 }) code: string;

  @Column({ length: 50 }) name: string;

  @Column({ type: 'varchar', length: 200, nullable: true, default: null }) waybillHint: string | null;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
