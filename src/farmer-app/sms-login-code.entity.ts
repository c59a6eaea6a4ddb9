import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../database/columns';

/**
 * A 6-digit SMS code for a farmer's login. Only an HMAC of the code is stored; a code is good for
 * 5 minutes and 5 wrong tries, and is used once. Only the newest code of a phone counts.
 */
@Entity('sms_login_code')
@Index('idx_sms_login_code_phone', ['phone', 'id'])
export class SmsLoginCodeEntity {
  @IdColumn() id: string;

  @Column({ type: 'char', length: 11 }) phone: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'char', length: 64 }) codeHash: string;

  @DateTimeColumn() expiresAt: Date;

  @Column({ type: 'tinyint', unsigned: true, default: 0 }) failedAttempts: number;

  @DateTimeColumn({ nullable: true, default: null }) consumedAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
}
