import { registerAs } from '@nestjs/config';
import { createPrivateKey, createPublicKey } from 'crypto';
import { IsIn, IsOptional, IsString, IsUrl, Matches, MinLength } from 'class-validator';
import { validateConfig } from './validate-config';

export const PAYOUT_PROVIDERS = ['sandbox', 'live'] as const;
export type PayoutProviderName = (typeof PAYOUT_PROVIDERS)[number];
export const LIVE_PAYOUT_CHANNELS = ['BANK_TRANSFER', 'WECHAT_PAY', 'ALIPAY'] as const;
export type LivePayoutChannel = (typeof LIVE_PAYOUT_CHANNELS)[number];

const https = { protocols: ['https'], require_protocol: true, require_tld: false };

class PayoutsEnv {
  @IsOptional() @IsIn(PAYOUT_PROVIDERS)
  PAYOUT_PROVIDER?: PayoutProviderName;

  /** Comma-separated channels paid through the real adapters when PAYOUT_PROVIDER=live. */
  @IsOptional() @Matches(/^(BANK_TRANSFER|WECHAT_PAY|ALIPAY)(,(BANK_TRANSFER|WECHAT_PAY|ALIPAY))*$/, { message: 'PAYOUT_LIVE_CHANNELS must list BANK_TRANSFER, WECHAT_PAY and/or ALIPAY, comma-separated' })
  PAYOUT_LIVE_CHANNELS?: string;

  @IsOptional() @Matches(/^\d{16}$/, { message: 'ALIPAY_APP_ID must be the 16-digit app id' }) ALIPAY_APP_ID?: string;
  @IsOptional() @IsString() ALIPAY_PRIVATE_KEY?: string;
  @IsOptional() @IsString() ALIPAY_PUBLIC_KEY?: string;
  @IsOptional() @IsUrl(https) ALIPAY_GATEWAY?: string;

  @IsOptional() @Matches(/^\d{8,12}$/, { message: 'WECHATPAY_MCH_ID must be the merchant number' }) WECHATPAY_MCH_ID?: string;
  @IsOptional() @IsString() WECHATPAY_APP_ID?: string;
  @IsOptional() @Matches(/^[0-9A-Fa-f]{8,64}$/, { message: 'WECHATPAY_MERCHANT_SERIAL_NO must be the certificate serial (hex)' }) WECHATPAY_MERCHANT_SERIAL_NO?: string;
  @IsOptional() @IsString() WECHATPAY_MERCHANT_PRIVATE_KEY?: string;
  @IsOptional() @IsString() WECHATPAY_PUBLIC_KEY?: string;
  @IsOptional() @IsString() WECHATPAY_PUBLIC_KEY_ID?: string;
  @IsOptional() @IsUrl(https) WECHATPAY_BASE_URL?: string;
  @IsOptional() @IsString() WECHATPAY_TRANSFER_SCENE_ID?: string;

  @IsOptional() @IsUrl(https) BANK_GATEWAY_BASE_URL?: string;
  @IsOptional() @IsString() BANK_GATEWAY_MERCHANT_ID?: string;
  @IsOptional() @IsString() @MinLength(32) BANK_GATEWAY_SECRET?: string;
  @IsOptional() @IsString() BANK_GATEWAY_PAYER_ACCOUNT?: string;
}

export type PayoutsConfig = {
  /** sandbox (default: development and tests, no secrets) or live (real adapters for liveChannels) */
  provider: PayoutProviderName;
  liveChannels: LivePayoutChannel[];
  alipay: { appId: string; privateKey: string; alipayPublicKey: string; gateway: string } | null;
  wechat: {
    mchId: string; appId: string; merchantSerialNo: string; merchantPrivateKey: string; platformPublicKey: string; platformPublicKeyId: string;
    baseUrl: string; transferSceneId?: string;
  } | null;
  bank: { baseUrl: string; merchantId: string; secret: string; payerAccount?: string } | null;
};

/** PEM keys may come with literal "\n" (one-line env files). */
const pem = (v: string | undefined) => v?.replace(/\\n/g, '\n');
const fail = (msg: string): never => {
  throw new Error(`Invalid configuration (配置错误): ${msg}`);
};

function required(env: Record<string, string | undefined>, channel: string, names: string[]): void {
  const missing = names.filter((n) => !env[n]);
  if (missing.length) fail(`PAYOUT_PROVIDER=live with ${channel} needs ${missing.join(', ')}`);
}

function checkKey(name: string, value: string, kind: 'private' | 'public'): void {
  try {
    if (kind === 'private') createPrivateKey(value);
    else createPublicKey(value);
  } catch {
    fail(`${name} is not a readable PEM ${kind} key`);
  }
}

/**
 * Payout channel credentials. Nothing is required for the sandbox; with PAYOUT_PROVIDER=live every
 * variable of every live channel must be present and well-formed, or boot stops naming it.
 */
export function loadPayoutsConfig(env: Record<string, string | undefined>): PayoutsConfig {
  const v = validateConfig(env, PayoutsEnv);
  const provider = v.PAYOUT_PROVIDER ?? 'sandbox';
  const liveChannels = (v.PAYOUT_LIVE_CHANNELS?.split(',') ?? [...LIVE_PAYOUT_CHANNELS]) as LivePayoutChannel[];
  const config: PayoutsConfig = { provider, liveChannels: [...new Set(liveChannels)], alipay: null, wechat: null, bank: null };
  if (provider !== 'live') return config;
  if (config.liveChannels.includes('ALIPAY')) {
    required(env, 'ALIPAY', ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY']);
    const privateKey = pem(v.ALIPAY_PRIVATE_KEY)!;
    const alipayPublicKey = pem(v.ALIPAY_PUBLIC_KEY)!;
    checkKey('ALIPAY_PRIVATE_KEY', privateKey, 'private');
    checkKey('ALIPAY_PUBLIC_KEY', alipayPublicKey, 'public');
    config.alipay = { appId: v.ALIPAY_APP_ID!, privateKey, alipayPublicKey, gateway: v.ALIPAY_GATEWAY ?? 'https://openapi.alipay.com/gateway.do' };
  }
  if (config.liveChannels.includes('WECHAT_PAY')) {
    required(env, 'WECHAT_PAY', ['WECHATPAY_MCH_ID', 'WECHATPAY_APP_ID', 'WECHATPAY_MERCHANT_SERIAL_NO', 'WECHATPAY_MERCHANT_PRIVATE_KEY', 'WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY_ID']);
    const merchantPrivateKey = pem(v.WECHATPAY_MERCHANT_PRIVATE_KEY)!;
    const platformPublicKey = pem(v.WECHATPAY_PUBLIC_KEY)!;
    checkKey('WECHATPAY_MERCHANT_PRIVATE_KEY', merchantPrivateKey, 'private');
    checkKey('WECHATPAY_PUBLIC_KEY', platformPublicKey, 'public');
    config.wechat = {
      mchId: v.WECHATPAY_MCH_ID!, appId: v.WECHATPAY_APP_ID!, merchantSerialNo: v.WECHATPAY_MERCHANT_SERIAL_NO!, merchantPrivateKey, platformPublicKey,
      platformPublicKeyId: v.WECHATPAY_PUBLIC_KEY_ID!, baseUrl: v.WECHATPAY_BASE_URL ?? 'https://api.mch.weixin.qq.com', transferSceneId: v.WECHATPAY_TRANSFER_SCENE_ID || undefined,
    };
  }
  if (config.liveChannels.includes('BANK_TRANSFER')) {
    required(env, 'BANK_TRANSFER', ['BANK_GATEWAY_BASE_URL', 'BANK_GATEWAY_MERCHANT_ID', 'BANK_GATEWAY_SECRET']);
    config.bank = {
      baseUrl: v.BANK_GATEWAY_BASE_URL!.replace(/\/+$/, ''), merchantId: v.BANK_GATEWAY_MERCHANT_ID!, secret: v.BANK_GATEWAY_SECRET!,
      payerAccount: v.BANK_GATEWAY_PAYER_ACCOUNT || undefined,
    };
  }
  return config;
}

export const payoutsConfig = registerAs('payouts', (): PayoutsConfig => loadPayoutsConfig(process.env));
