import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';

export enum PayoutMethod {
  BANK_CARD = 'BANK_CARD',
  WECHAT_PAY = 'WECHAT_PAY',
  ALIPAY = 'ALIPAY',
  CASH = 'CASH',
}

/**
 * A farmer (农户) registered by a company. The phone is kept in clear (lookups, SMS) and is unique
 * per company; the ID number and payout account are AES-256-GCM ciphertext with a blind index
 * (ID) and the last 4 characters, the only part ever returned. The stable id and companyId are all
 * a later farmer login needs.
 */
@Entity('farmer')
@Index('uq_farmer_company_phone', ['companyId', 'phone'], { unique: true })
@Index('uq_farmer_company_id_number', ['companyId', 'idNumberHash'], { unique: true })
@Index('idx_farmer_company_id_last4', ['companyId', 'idNumberLast4'])
@Index('idx_farmer_company_name', ['companyId', 'name'])
@Index('idx_farmer_usual_point', ['usualPointId'])
export class FarmerEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ length: 50 }) name: string;

  @Column({ type: 'char', length: 11 }) phone: string;

  /** Home village (region). */
  @RefColumn() villageRegionId: string;

  /** The commerce point the farmer usually uses; its agents see the phone in full. */
  @RefColumn() usualPointId: string;

  @Column({ type: 'varchar', length: 128, nullable: true, default: null }) idNumberCipher: string | null;

  @Column({ type: 'char', length: 64, nullable: true, default: null }) idNumberHash: string | null;

  @Column({ type: 'char', length: 4, nullable: true, default: null }) idNumberLast4: string | null;

  @Column({ type: 'varchar', length: 16 }) payoutMethod: PayoutMethod;

  @Column({ type: 'varchar', length: 50, nullable: true, default: null }) payoutBankName: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true, default: null }) payoutAccountCipher: string | null;

  @Column({ type: 'char', length: 4, nullable: true, default: null }) payoutAccountLast4: string | null;

  /** When an admin confirmed the payout details (e.g. a test transfer); cleared whenever they change. */
  @DateTimeColumn({ nullable: true, default: null }) payoutVerifiedAt: Date | null;

  @Column({ default: false }) smsConsent: boolean;

  /** A family member's mobile (elderly farmers): notifications go there too. Masked like the phone. */
  @Column({ type: 'char', length: 11, nullable: true, default: null }) familyPhone: string | null;

  /** Consent to show the full name on the public trace page of lots the farmer's goods went into (else 吴**). */
  @Column({ default: false }) showNameOnTrace: boolean;

  /** 困难户: handled with priority. */
  @Column({ default: false }) hardship: boolean;

  @Column({ default: true }) active: boolean;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
