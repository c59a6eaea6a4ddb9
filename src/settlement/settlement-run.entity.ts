import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

export enum SettlementRunStatus {
  READY = 'READY',
  APPROVED = 'APPROVED',
}

/**
 * A settlement run (结算批次) of a company for a period. Unique per (company, period key) in the
 * database: firing it twice, on two servers, or again after a crash finds the one run.
 */
@Entity('settlement_run')
@Index('uq_settlement_run_period', ['companyId', 'periodKey'], { unique: true })
export class SettlementRunEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ length: 120 }) periodKey: string;

  /** entries posted up to this instant are collected */
  @DateTimeColumn() cutoffAt: Date;

  /** only farmers whose usual point is one of these (null: all points) */
  @Column({ type: 'json', nullable: true, default: null }) pointIds: string[] | null;

  @Column({ type: 'varchar', length: 16 }) status: SettlementRunStatus;

  @Column({ type: 'int', unsigned: true, default: 0 }) statementCount: number;

  @FenColumn({ default: 0 }) totalFen: number;

  /** the minimum payout in force for this run; farmers below it rolled over */
  @FenColumn() minPayoutFen: number;

  @RefColumn({ nullable: true, default: null }) createdBy: string | null;

  @RefColumn({ nullable: true, default: null }) approvedBy: string | null;

  @DateTimeColumn({ nullable: true, default: null }) approvedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
}
