import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../database/columns';

/** What a code may be used for: a login code cannot change a payout account, nor the reverse. */
export enum SmsCodePurpose {
  LOGIN = 'LOGIN',
  PAYOUT_CHANGE = 'PAYOUT_CHANGE',
}

/**
 * A 6-digit SMS code (farmer login, payout-account change). Only an HMAC of the code is stored; a
 * code is good for 5 minutes and 5 wrong tries, and is used once. Only the newest code of a phone
 * and purpose counts.
 */
@Entity('sms_login_code')
@Index('idx_sms_login_code_phone_purpose', ['phone', 'purpose', 'id'])
export class SmsLoginCodeEntity {
  @IdColumn() id: string;

  @Column({ type: 'char', length: 11 }) phone: string;

  @Column({ type: 'varchar', length: 16, default: SmsCodePurpose.LOGIN }) purpose: SmsCodePurpose;

  @RefColumn() farmerId: string;

  @Column({ type: 'char', length: 64 }) codeHash: string;

  @DateTimeColumn() expiresAt: Date;

  @Column({ type: 'tinyint', unsigned: true, default: 0 }) failedAttempts: number;

  @DateTimeColumn({ nullable: true, default: null }) consumedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
}
