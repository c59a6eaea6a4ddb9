import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHmac, randomInt, timingSafeEqual } from 'crypto';
import { DataSource, IsNull } from 'typeorm';
import { Role } from '../common/access/role.enum';
import { TooManyRequestsError, UnauthorizedError } from '../common/errors/domain-error';
import { maskPhone } from '../common/validation';
import { AuthConfig, SmsConfig } from '../config';
import { PrincipalLoader } from '../auth/principal-loader.service';
import { TokenService } from '../auth/token.service';
import { TokenPairDto } from '../auth/dto/token-pair.dto';
import { inTransaction } from '../database/transaction';
import { FarmersService } from '../farmers/farmers.service';
import { SmsRecipientRole } from '../notifications/sms-message.entity';
import { SmsRateLimiter } from '../notifications/sms-rate-limiter';
import { SmsService } from '../notifications/sms.service';
import { SmsLoginCodeEntity } from './sms-login-code.entity';

const CODE_TTL_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

const codeInvalid = () => new UnauthorizedError('SMS_CODE_INVALID', '验证码错误或已过期，请重新获取', 'SMS code wrong, expired or used');

/**
 * Farmer login by phone + SMS code, and the farmer principal behind farmer tokens. Answers never
 * reveal whether a phone is registered: an unknown phone is told "sent" and gets no SMS.
 */
@Injectable()
export class FarmerAuthService implements OnModuleInit {
  private readonly logger = new Logger(FarmerAuthService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly farmers: FarmersService,
    private readonly sms: SmsService,
    private readonly limiter: SmsRateLimiter,
    private readonly tokens: TokenService,
    private readonly principals: PrincipalLoader,
  ) {}

  /** Farmer access tokens (`f:<id>`) resolve to an active farmer who sees only their own records. */
  onModuleInit(): void {
    this.principals.registerFarmerLoader(async (farmerId) => {
      const f = await this.farmers.findRef(farmerId);
      if (!f || !f.active) return null;
      return { kind: 'farmer', id: f.id, role: Role.FARMER, companyId: f.companyId, pointIds: [], warehouseIds: [], regionPath: null };
    });
  }

  private hash(phone: string, code: string): string {
    return createHmac('sha256', this.config.getOrThrow<AuthConfig>('auth').jwtSecret).update(`sms-login:${phone}:${code}`).digest('hex');
  }

  /** Sends a 6-digit code (rate limited per phone and per IP: 429 with Retry-After). */
  async requestCode(phone: string, ip: string): Promise<void> {
    const c = this.config.getOrThrow<SmsConfig>('sms');
    const now = new Date();
    const byIp = await this.limiter.take(`code-ip:${ip}`, [{ name: 'h', seconds: 3600, limit: c.loginCodesPerIpPerHour }], now);
    if (!byIp.ok) throw tooMany(byIp.retryAt, now);
    const byPhone = await this.limiter.take(`code-phone:${phone}`, [
      { name: 'i', seconds: c.loginCodeIntervalSeconds, limit: 1 },
      { name: 'h', seconds: 3600, limit: c.loginCodesPerPhonePerHour },
    ], now);
    if (!byPhone.ok) throw tooMany(byPhone.retryAt, now);
    const farmer = (await this.farmers.findActiveByPhone(phone))[0];
    if (!farmer) {
      this.logger.log({ phone: maskPhone(phone) }, 'login code requested for an unregistered phone; nothing sent');
      return;
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await this.dataSource.getRepository(SmsLoginCodeEntity).save({
      phone, farmerId: farmer.id, codeHash: this.hash(phone, code), expiresAt: new Date(now.getTime() + CODE_TTL_MS), failedAttempts: 0, consumedAt: null,
    });
    await this.sms.request({
      sourceKey: `login:${row.id}`, template: 'LOGIN_CODE', params: { code }, companyId: farmer.companyId, farmerId: farmer.id,
      recipients: [{ phone, role: SmsRecipientRole.FARMER }],
    });
  }

  /** Checks the newest code of the phone (5 minutes, 5 tries, once) and issues a token pair. */
  async login(phone: string, code: string): Promise<TokenPairDto> {
    const outcome = await inTransaction(this.dataSource, async (em) => {
      const repo = em.getRepository(SmsLoginCodeEntity);
      const row = await repo.findOne({ where: { phone, consumedAt: IsNull() }, order: { id: 'DESC' }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.expiresAt.getTime() <= Date.now() || row.failedAttempts >= MAX_ATTEMPTS) return { error: codeInvalid() };
      const expected = Buffer.from(row.codeHash, 'hex');
      const given = Buffer.from(this.hash(phone, code), 'hex');
      if (!timingSafeEqual(expected, given)) {
        await repo.update({ id: row.id }, { failedAttempts: row.failedAttempts + 1 });
        return { error: codeInvalid() };
      }
      await repo.update({ id: row.id }, { consumedAt: new Date() });
      const farmer = await this.farmers.findRef(row.farmerId);
      if (!farmer || !farmer.active) return { error: codeInvalid() };
      return { pair: await this.tokens.issue({ kind: 'farmer', id: farmer.id, role: Role.FARMER, companyId: farmer.companyId }, em) };
    });
    // A wrong try must be counted even though the caller gets a 401.
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }
}

function tooMany(retryAt: Date, now: Date): TooManyRequestsError {
  return new TooManyRequestsError((retryAt.getTime() - now.getTime()) / 1000, 'SMS_CODE_RATE_LIMITED', '验证码发送过于频繁，请稍后再试', 'Too many code requests, try again later');
}
