import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { Role } from '../common/access/role.enum';
import { UnauthorizedError } from '../common/errors/domain-error';
import { maskPhone } from '../common/validation';
import { SmsConfig } from '../config';
import { PrincipalLoader } from '../auth/principal-loader.service';
import { TokenService } from '../auth/token.service';
import { TokenPairDto } from '../auth/dto/token-pair.dto';
import { inTransaction } from '../database/transaction';
import { FarmersService } from '../farmers/farmers.service';
import { SmsRateLimiter } from '../notifications/sms-rate-limiter';
import { codeRateLimited, SmsCodeService } from './sms-code.service';
import { SmsCodePurpose } from './sms-login-code.entity';

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
    private readonly codes: SmsCodeService,
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

  /** Sends a 6-digit code (rate limited per phone and per IP: 429 with Retry-After). */
  async requestCode(phone: string, ip: string): Promise<void> {
    const c = this.config.getOrThrow<SmsConfig>('sms');
    const now = new Date();
    const byIp = await this.limiter.take(`code-ip:${ip}`, [{ name: 'h', seconds: 3600, limit: c.loginCodesPerIpPerHour }], now);
    if (!byIp.ok) throw codeRateLimited(byIp.retryAt, now);
    await this.codes.limitPhone(SmsCodePurpose.LOGIN, phone, now);
    const farmer = (await this.farmers.findActiveByPhone(phone))[0];
    if (!farmer) {
      this.logger.log({ phone: maskPhone(phone) }, 'login code requested for an unregistered phone; nothing sent');
      return;
    }
    await this.codes.issue(SmsCodePurpose.LOGIN, farmer, now);
  }

  /** Checks the newest login code of the phone (5 minutes, 5 tries, once) and issues a token pair. */
  async login(phone: string, code: string): Promise<TokenPairDto> {
    const outcome = await inTransaction(this.dataSource, async (em) => {
      const check = await this.codes.verify(em, SmsCodePurpose.LOGIN, phone, code);
      if (!check.ok) return { error: codeInvalid() };
      const farmer = await this.farmers.findRef(check.farmerId);
      if (!farmer || !farmer.active) return { error: codeInvalid() };
      return { pair: await this.tokens.issue({ kind: 'farmer', id: farmer.id, role: Role.FARMER, companyId: farmer.companyId }, em) };
    });
    // A wrong try must be counted even though the caller gets a 401.
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }
}
