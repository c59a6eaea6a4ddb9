import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

export enum SmsStatus {
  /** Queued to send now. */
  PENDING = 'PENDING',
  /** Waiting for the end of quiet hours or of a per-phone rate window (a delayed Bull job). */
  SCHEDULED = 'SCHEDULED',
  /** A send failed; Bull retries with exponential backoff. */
  RETRYING = 'RETRYING',
  SENT = 'SENT',
  /** The provider's delivery receipt said delivered / not delivered. */
  DELIVERED = 'DELIVERED',
  UNDELIVERED = 'UNDELIVERED',
  /** Every attempt failed: visible to admins, not retried. */
  DEAD = 'DEAD',
  /** Not sent on purpose (no consent, parcel already collected…); the reason is in last_error. */
  SKIPPED = 'SKIPPED',
}

export const SENDABLE_STATUSES: readonly SmsStatus[] = [SmsStatus.PENDING, SmsStatus.SCHEDULED, SmsStatus.RETRYING];

export enum SmsRecipientRole {
  FARMER = 'FARMER',
  FAMILY = 'FAMILY',
  RECIPIENT = 'RECIPIENT',
}

/**
 * One SMS to one phone. Unique per (source key, phone, template): a redelivered event or a retried
 * request finds its row and sends nothing twice. The outbox provider's "sent box" is this table.
 */
@Entity('sms_message')
@Index('uq_sms_message_source', ['sourceKey', 'recipientPhone', 'template'], { unique: true })
@Index('idx_sms_message_status', ['status', 'id'])
@Index('idx_sms_message_phone', ['recipientPhone', 'id'])
@Index('idx_sms_message_provider_id', ['providerMessageId'])
export class SmsMessageEntity {
  @IdColumn() id: string;

  /** What caused it: `outbox:<event id>`, `login:<code id>`, `inbound:<uuid>`. */
  @Column({ length: 100 }) sourceKey: string;

  @Column({ type: 'char', length: 11 }) recipientPhone: string;

  @Column({ type: 'varchar', length: 16 }) recipientRole: SmsRecipientRole;

  @RefColumn({ nullable: true, default: null }) companyId: string | null;

  @RefColumn({ nullable: true, default: null }) farmerId: string | null;

  @Column({ length: 40 }) template: string;

  @Column({ type: 'json' }) params: Record<string, string>;

  /** The rendered Chinese text (never logged). */
  @Column({ length: 500 }) body: string;

  @Column({ type: 'varchar', length: 16 }) status: SmsStatus;

  @Column({ type: 'varchar', length: 16, nullable: true, default: null }) provider: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) providerMessageId: string | null;

  @Column({ type: 'smallint', unsigned: true, default: 0 }) attempts: number;

  @Column({ type: 'smallint', unsigned: true, default: 0 }) deferrals: number;

  @Column({ type: 'varchar', length: 500, nullable: true, default: null }) lastError: string | null;

  @DateTimeColumn({ nullable: true, default: null }) scheduledAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) sentAt: Date | null;

  @DateTimeColumn({ nullable: true, default: null }) deliveredAt: Date | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
