import { Column, Entity, Index } from 'typeorm';
import { Role } from '../common/access/role.enum';
import { CreatedAtColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

/** A staff account: admin, region manager, agent or warehouse staff. Farmers are not staff users. */
@Entity('staff_user')
@Index('idx_staff_user_company_role', ['companyId', 'role'])
export class StaffUserEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Index('uq_staff_user_username', { unique: true })
  @Column({ length: 64 }) username: string;

  @Column({ length: 64 }) displayName: string;

  @Column({ type: 'varchar', length: 20, nullable: true, default: null }) phone: string | null;

  @Column({ length: 255, select: false }) passwordHash: string;

  @Column({ type: 'varchar', length: 24 }) role: Role;

  /** For region managers: the region they read over. */
  @RefColumn({ nullable: true, default: null }) regionId: string | null;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
