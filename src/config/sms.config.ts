import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { validateConfig } from './validate-config';

export const SMS_PROVIDERS = ['outbox', 'aliyun', 'tencent'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

const HHMM_RANGE = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

class SmsEnv {
  @IsOptional() @IsIn(SMS_PROVIDERS)
  SMS_PROVIDER?: SmsProviderName;

  /** Signs webhooks of the outbox (development) provider and protects provider callback URLs. */
  @IsString() @MinLength(16)
  SMS_WEBHOOK_SECRET!: string;

  @IsOptional() @IsString()
  SMS_SIGN_NAME?: string;

  /** JSON object: template key → provider template code / id (aliyun, tencent). */
  @IsOptional() @IsString()
  SMS_TEMPLATE_CODES?: string;

  @IsOptional() @IsString() ALIYUN_SMS_ACCESS_KEY_ID?: string;
  @IsOptional() @IsString() ALIYUN_SMS_ACCESS_KEY_SECRET?: string;
  @IsOptional() @IsString() ALIYUN_SMS_ENDPOINT?: string;

  @IsOptional() @IsString() TENCENT_SMS_SECRET_ID?: string;
  @IsOptional() @IsString() TENCENT_SMS_SECRET_KEY?: string;
  @IsOptional() @IsString() TENCENT_SMS_SDK_APP_ID?: string;
  @IsOptional() @IsString() TENCENT_SMS_REGION?: string;

  @IsOptional() @Matches(new RegExp(`${HHMM_RANGE.source}|^off$`), { message: 'SMS_QUIET_HOURS must look like 21:00-08:00 or be off' })
  SMS_QUIET_HOURS?: string;

  @IsOptional() @IsInt() @Min(1) @Max(1000) SMS_RATE_PER_MINUTE?: number;
  @IsOptional() @IsInt() @Min(1) @Max(10000) SMS_RATE_PER_HOUR?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100000) SMS_RATE_PER_DAY?: number;

  @IsOptional() @IsInt() @Min(1) @Max(20) SMS_SEND_ATTEMPTS?: number;
  @IsOptional() @IsInt() @Min(1) @Max(3_600_000) SMS_BACKOFF_MS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(100) SMS_LOGIN_CODES_PER_PHONE_PER_HOUR?: number;
  @IsOptional() @IsInt() @Min(10) @Max(3600) SMS_LOGIN_CODE_INTERVAL_SECONDS?: number;
  @IsOptional() @IsInt() @Min(1) @Max(10000) SMS_LOGIN_CODES_PER_IP_PER_HOUR?: number;
}

export type SmsConfig = {
  provider: SmsProviderName;
  webhookSecret: string;
  signName: string;
  templateCodes: Record<string, string>;
  aliyun: { accessKeyId: string; accessKeySecret: string; endpoint: string };
  tencent: { secretId: string; secretKey: string; sdkAppId: string; region: string };
  /** Minutes after midnight, Asia/Shanghai; a window may wrap midnight (21:00-08:00). */
  quietHours: { startMinute: number; endMinute: number } | null;
  ratePerMinute: number;
  ratePerHour: number;
  ratePerDay: number;
  sendAttempts: number;
  backoffMs: number;
  loginCodesPerPhonePerHour: number;
  loginCodeIntervalSeconds: number;
  loginCodesPerIpPerHour: number;
};

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const smsConfig = registerAs('sms', (): SmsConfig => {
  const v = validateConfig(process.env, SmsEnv);
  let templateCodes: Record<string, string> = {};
  if (v.SMS_TEMPLATE_CODES) {
    try {
      templateCodes = JSON.parse(v.SMS_TEMPLATE_CODES);
    } catch {
      throw new Error('Invalid configuration (配置错误): SMS_TEMPLATE_CODES must be a JSON object');
    }
  }
  const quiet = v.SMS_QUIET_HOURS === 'off' ? null : (v.SMS_QUIET_HOURS ?? '21:00-08:00');
  const provider = v.SMS_PROVIDER ?? 'outbox';
  const config: SmsConfig = {
    provider,
    webhookSecret: v.SMS_WEBHOOK_SECRET,
    signName: v.SMS_SIGN_NAME ?? '村级商务服务点',
    templateCodes,
    aliyun: { accessKeyId: v.ALIYUN_SMS_ACCESS_KEY_ID ?? '', accessKeySecret: v.ALIYUN_SMS_ACCESS_KEY_SECRET ?? '', endpoint: v.ALIYUN_SMS_ENDPOINT ?? 'dysmsapi.aliyuncs.com' },
    tencent: { secretId: v.TENCENT_SMS_SECRET_ID ?? '', secretKey: v.TENCENT_SMS_SECRET_KEY ?? '', sdkAppId: v.TENCENT_SMS_SDK_APP_ID ?? '', region: v.TENCENT_SMS_REGION ?? 'ap-guangzhou' },
    quietHours: quiet && quiet !== 'off' ? { startMinute: minuteOf(quiet.slice(0, 5)), endMinute: minuteOf(quiet.slice(6, 11)) } : null,
    ratePerMinute: v.SMS_RATE_PER_MINUTE ?? 1,
    ratePerHour: v.SMS_RATE_PER_HOUR ?? 5,
    ratePerDay: v.SMS_RATE_PER_DAY ?? 10,
    sendAttempts: v.SMS_SEND_ATTEMPTS ?? 5,
    backoffMs: v.SMS_BACKOFF_MS ?? 10_000,
    loginCodesPerPhonePerHour: v.SMS_LOGIN_CODES_PER_PHONE_PER_HOUR ?? 5,
    loginCodeIntervalSeconds: v.SMS_LOGIN_CODE_INTERVAL_SECONDS ?? 60,
    loginCodesPerIpPerHour: v.SMS_LOGIN_CODES_PER_IP_PER_HOUR ?? 30,
  };
  if (provider === 'aliyun' && (!config.aliyun.accessKeyId || !config.aliyun.accessKeySecret)) {
    throw new Error('Invalid configuration (配置错误): SMS_PROVIDER=aliyun needs ALIYUN_SMS_ACCESS_KEY_ID and ALIYUN_SMS_ACCESS_KEY_SECRET');
  }
  if (provider === 'tencent' && (!config.tencent.secretId || !config.tencent.secretKey || !config.tencent.sdkAppId)) {
    throw new Error('Invalid configuration (配置错误): SMS_PROVIDER=tencent needs TENCENT_SMS_SECRET_ID, TENCENT_SMS_SECRET_KEY and TENCENT_SMS_SDK_APP_ID');
  }
  return config;
});
