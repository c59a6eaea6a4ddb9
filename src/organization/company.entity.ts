import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, UpdatedAtColumn } from '../database/columns';

/** The operating company (e.g. 益阳市怡创客农业有限公司). Every record belongs to one. */
@Entity('company')
export class CompanyEntity {
  @IdColumn() id: string;

  @Index('uq_company_code', { unique: true })
  @Column({ length: 32 }) code: string;

  @Column({ length: 100 }) name: string;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
