import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

export enum PayoutChannel {
  BANK_TRANSFER = 'BANK_TRANSFER',
  WECHAT_PAY = 'WECHAT_PAY',
  ALIPAY = 'ALIPAY',
  CASH = 'CASH',
}

export enum PayoutStatus {
  /** row and request number committed; the provider has not been called yet (as far as we know) */
  PENDING = 'PENDING',
  /** the provider was called with the request number */
  SUBMITTED = 'SUBMITTED',
  /** the provider's answer was unknown or "processing"; the worker asks again by request number */
  UNKNOWN = 'UNKNOWN',
  /** cash: waiting for the agent to record the hand-over */
  AWAITING_HANDOVER = 'AWAITING_HANDOVER',
  PAID = 'PAID',
  FAILED = 'FAILED',
}

export const IN_FLIGHT_PAYOUT_STATUSES = [PayoutStatus.PENDING, PayoutStatus.SUBMITTED, PayoutStatus.UNKNOWN, PayoutStatus.AWAITING_HANDOVER];

/**
 * One payout of one statement (unique): the request number is generated and committed before any
 * provider call, and it is the only number this payout is ever paid under.
 */
@Entity('payout')
@Index('uq_payout_statement', ['statementId'], { unique: true })
@Index('uq_payout_request_no', ['requestNo'], { unique: true })
@Index('idx_payout_farmer_status', ['farmerId', 'status'])
@Index('idx_payout_status', ['status', 'updatedAt'])
@Index('idx_payout_company_paid', ['companyId', 'paidAt'])
@Index('idx_payout_company_id', ['companyId', 'id'])
export class PayoutEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() statementId: string;

  @RefColumn() farmerId: string;

  @RefColumn() pointId: string;

  @FenColumn() amountFen: number;

  @Column({ type: 'varchar', length: 16 }) channel: PayoutChannel;

  @Column({ length: 40 }) requestNo: string;

  @Column({ type: 'varchar', length: 20 }) status: PayoutStatus;

  /** provider calls made (pay or status query) */
  @Column({ type: 'int', unsigned: true, default: 0 }) attempts: number;

  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) providerRef: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) failureReason: string | null;

  /** cash: SHA-256 of the SMS code sent to the farmer */
  @Column({ type: 'char', length: 64, nullable: true, default: null }) cashCodeHash: string | null;

  /** cash: SIGNATURE (reference of the signature image) or SMS_CODE */
  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) confirmationKind: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) confirmationRef: string | null;

  @RefColumn({ nullable: true, default: null }) confirmedBy: string | null;

  @DateTimeColumn({ nullable: true, default: null }) submittedAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) paidAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) failedAt: Date | null;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
