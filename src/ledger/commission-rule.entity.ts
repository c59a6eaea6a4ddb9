import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';
import { CommissionMode, SaleChannel } from './ledger.enums';

/**
 * Commission rule per product and channel, in force from `effectiveFrom` (until `effectiveTo`):
 * the agent's commission (fen per unit, or basis points of the farmer's earning) and an optional
 * village collective (村集体) share in basis points. Never edited: a new rule supersedes; the rule
 * in force at an instant is the latest whose period contains it. Paid by the company on top of
 * the farmer's earning (the farmer's amount is never reduced by it).
 */
@Entity('commission_rule')
@Index('uq_commission_rule_from', ['companyId', 'productId', 'channel', 'effectiveFrom'], { unique: true })
export class CommissionRuleEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() productId: string;

  @Column({ type: 'varchar', length: 16 }) channel: SaleChannel;

  @Column({ type: 'varchar', length: 16 }) agentMode: CommissionMode;

  /** PER_UNIT: fen per `unitSizeBase` base units */
  @FenColumn({ default: 0 }) agentFenPerUnit: number;

  @Column({ type: 'int', unsigned: true, default: 1 }) unitSizeBase: number;

  /** PERCENT: basis points of the farmer's earning */
  @Column({ type: 'int', unsigned: true, default: 0 }) agentBasisPoints: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) collectiveBasisPoints: number;

  @DateTimeColumn() effectiveFrom: Date;

  @DateTimeColumn({ nullable: true, default: null }) effectiveTo: Date | null;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
}
