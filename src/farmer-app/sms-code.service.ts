import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHmac, randomInt, timingSafeEqual } from 'crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { TooManyRequestsError } from '../common/errors/domain-error';
import { maskPhone } from '../common/validation';
import { AuthConfig, SmsConfig } from '../config';
import { FarmerRef } from '../farmers/farmers.service';
import { PayoutChangeCodeCheck } from '../farmers/payout-change-code';
import { SmsRecipientRole } from '../notifications/sms-message.entity';
import { SmsRateLimiter } from '../notifications/sms-rate-limiter';
import { SmsService } from '../notifications/sms.service';
import { SmsTemplateKey } from '../notifications/sms-templates';
import { SmsCodePurpose, SmsLoginCodeEntity } from './sms-login-code.entity';

const CODE_TTL_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

/** Per purpose: the SMS template, the HMAC domain, the source-key and rate-limit prefixes. */
const PURPOSES: Record<SmsCodePurpose, { template: SmsTemplateKey; hmac: string; source: string; limit: string }> = {
  [SmsCodePurpose.LOGIN]: { template: 'LOGIN_CODE', hmac: 'sms-login', source: 'login', limit: 'code-phone' },
  [SmsCodePurpose.PAYOUT_CHANGE]: { template: 'PAYOUT_CHANGE_CODE', hmac: 'sms-payout-change', source: 'payout-code', limit: 'payout-code-phone' },
};

export type CodeCheck = { ok: true; farmerId: string } | { ok: false };

/**
 * The one-time SMS codes of the farmer app (login) and of payout-account changes. Only an HMAC is
 * stored (keyed with the JWT secret, domain-separated by purpose); a code is good for 5 minutes and
 * 5 wrong tries, is used once, and only the newest code of a phone and purpose counts.
 */
@Injectable()
export class SmsCodeService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly sms: SmsService,
    private readonly limiter: SmsRateLimiter,
    private readonly payoutCodes: PayoutChangeCodeCheck,
  ) {}

  /** FarmersService checks the code of a payout change through this, in its own transaction. */
  onModuleInit(): void {
    this.payoutCodes.register(async (em, farmer, code) => (await this.verify(em, SmsCodePurpose.PAYOUT_CHANGE, farmer.phone, code, farmer.id)).ok);
  }

  private hash(purpose: SmsCodePurpose, phone: string, code: string): string {
    return createHmac('sha256', this.config.getOrThrow<AuthConfig>('auth').jwtSecret).update(`${PURPOSES[purpose].hmac}:${phone}:${code}`).digest('hex');
  }

  /** Per phone, from any IP or caller: one code per interval and a cap per hour (429 with Retry-After). */
  async limitPhone(purpose: SmsCodePurpose, phone: string, now = new Date()): Promise<void> {
    const c = this.config.getOrThrow<SmsConfig>('sms');
    const taken = await this.limiter.take(`${PURPOSES[purpose].limit}:${phone}`, [
      { name: 'i', seconds: c.loginCodeIntervalSeconds, limit: 1 },
      { name: 'h', seconds: 3600, limit: c.loginCodesPerPhonePerHour },
    ], now);
    if (!taken.ok) throw codeRateLimited(taken.retryAt, now);
  }

  /** Stores a fresh code for the farmer's phone and sends it (its template always goes, at once, to that phone only). */
  async issue(purpose: SmsCodePurpose, farmer: FarmerRef, now = new Date()): Promise<void> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await this.dataSource.getRepository(SmsLoginCodeEntity).save({
      phone: farmer.phone, purpose, farmerId: farmer.id, codeHash: this.hash(purpose, farmer.phone, code),
      expiresAt: new Date(now.getTime() + CODE_TTL_MS), failedAttempts: 0, consumedAt: null,
    });
    await this.sms.request({
      sourceKey: `${PURPOSES[purpose].source}:${row.id}`, template: PURPOSES[purpose].template, params: { code },
      companyId: farmer.companyId, farmerId: farmer.id, recipients: [{ phone: farmer.phone, role: SmsRecipientRole.FARMER }],
    });
  }

  /** A payout-change code to the farmer's current phone (rate limited per phone); says where it went, masked. */
  async sendPayoutChangeCode(farmer: FarmerRef): Promise<{ message: string; phoneMasked: string }> {
    const now = new Date();
    await this.limitPhone(SmsCodePurpose.PAYOUT_CHANGE, farmer.phone, now);
    await this.issue(SmsCodePurpose.PAYOUT_CHANGE, farmer, now);
    const phoneMasked = maskPhone(farmer.phone) as string;
    return { message: `验证码已发送至${phoneMasked}，5分钟内有效`, phoneMasked };
  }

  /**
   * Checks the newest unused code of the phone for this purpose (and farmer, when given) in the
   * caller's transaction, locking it: a right code is marked used, a wrong one counts a try. The
   * caller must commit even when the check fails, or the try is not counted.
   */
  async verify(em: EntityManager, purpose: SmsCodePurpose, phone: string, code: string, farmerId?: string): Promise<CodeCheck> {
    const repo = em.getRepository(SmsLoginCodeEntity);
    const row = await repo.findOne({ where: { phone, purpose, consumedAt: IsNull() }, order: { id: 'DESC' }, lock: { mode: 'pessimistic_write' } });
    if (!row || row.expiresAt.getTime() <= Date.now() || row.failedAttempts >= MAX_ATTEMPTS) return { ok: false };
    if (farmerId !== undefined && row.farmerId !== farmerId) return { ok: false };
    const expected = Buffer.from(row.codeHash, 'hex');
    const given = Buffer.from(this.hash(purpose, phone, code), 'hex');
    if (!timingSafeEqual(expected, given)) {
      await repo.update({ id: row.id }, { failedAttempts: row.failedAttempts + 1 });
      return { ok: false };
    }
    await repo.update({ id: row.id }, { consumedAt: new Date() });
    return { ok: true, farmerId: row.farmerId };
  }
}

export function codeRateLimited(retryAt: Date, now: Date): TooManyRequestsError {
  return new TooManyRequestsError((retryAt.getTime() - now.getTime()) / 1000, 'SMS_CODE_RATE_LIMITED', '验证码发送过于频繁，请稍后再试', 'Too many code requests, try again later');
}
