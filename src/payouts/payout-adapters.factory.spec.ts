import { generateKeyPairSync } from 'crypto';
import { loadPayoutsConfig } from '../config/payouts.config';
import { AlipayPayoutAdapter } from './adapters/alipay-payout.adapter';
import { BankGatewayPayoutAdapter } from './adapters/bank-gateway-payout.adapter';
import { WechatPayoutAdapter } from './adapters/wechat-payout.adapter';
import { buildPayoutAdapters } from './payout-adapters.factory';
import { PayoutChannel } from './payout.entity';
import { SandboxPayoutAdapter } from './sandbox-payout.adapter';

const keys = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // one-line form, as in an env file
  const oneLine = (s: string) => s.replace(/\n/g, '\\n');
  return { priv: oneLine(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), pub: oneLine(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
};
const app = keys();
const platform = keys();

const liveEnv: Record<string, string> = {
  PAYOUT_PROVIDER: 'live',
  ALIPAY_APP_ID: '2021000000000001', ALIPAY_PRIVATE_KEY: app.priv, ALIPAY_PUBLIC_KEY: platform.pub,
  WECHATPAY_MCH_ID: '1900000109', WECHATPAY_APP_ID: 'wx8888888888888888', WECHATPAY_MERCHANT_SERIAL_NO: '5157F09EFDC096DE15EBE81A47057A72',
  WECHATPAY_MERCHANT_PRIVATE_KEY: app.priv, WECHATPAY_PUBLIC_KEY: platform.pub, WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000',
  BANK_GATEWAY_BASE_URL: 'https://bank-gateway.test/api/', BANK_GATEWAY_MERCHANT_ID: 'M0001', BANK_GATEWAY_SECRET: 'x'.repeat(32),
};

describe(buildPayoutAdapters.name, () => {
  it('should bind the sandbox to every transfer channel by default, with no secrets', () => {
    const c = loadPayoutsConfig({});
    expect(c.provider).toBe('sandbox');
    const adapters = buildPayoutAdapters(c);
    expect([...adapters.keys()].sort()).toEqual([PayoutChannel.ALIPAY, PayoutChannel.BANK_TRANSFER, PayoutChannel.WECHAT_PAY]);
    for (const a of adapters.values()) expect(a).toBeInstanceOf(SandboxPayoutAdapter);
    expect(adapters.has(PayoutChannel.CASH)).toBe(false);
  });

  it('should bind the real adapters with PAYOUT_PROVIDER=live (keys with literal \\n accepted, trailing slash trimmed)', () => {
    const c = loadPayoutsConfig(liveEnv);
    expect(c.alipay?.privateKey).toContain('\n');
    expect(c.alipay?.gateway).toBe('https://openapi.alipay.com/gateway.do');
    expect(c.bank?.baseUrl).toBe('https://bank-gateway.test/api');
    const adapters = buildPayoutAdapters(c);
    expect(adapters.get(PayoutChannel.ALIPAY)).toBeInstanceOf(AlipayPayoutAdapter);
    expect(adapters.get(PayoutChannel.WECHAT_PAY)).toBeInstanceOf(WechatPayoutAdapter);
    expect(adapters.get(PayoutChannel.BANK_TRANSFER)).toBeInstanceOf(BankGatewayPayoutAdapter);
    expect(adapters.has(PayoutChannel.CASH)).toBe(false);
  });

  it('should bind only the channels in PAYOUT_LIVE_CHANNELS and require only their variables', () => {
    const env = { PAYOUT_PROVIDER: 'live', PAYOUT_LIVE_CHANNELS: 'BANK_TRANSFER', BANK_GATEWAY_BASE_URL: 'https://bank.test', BANK_GATEWAY_MERCHANT_ID: 'M1', BANK_GATEWAY_SECRET: 'y'.repeat(40) };
    const adapters = buildPayoutAdapters(loadPayoutsConfig(env));
    expect([...adapters.keys()]).toEqual([PayoutChannel.BANK_TRANSFER]);
  });
});

describe(loadPayoutsConfig.name, () => {
  it.each([
    'ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'WECHATPAY_MCH_ID', 'WECHATPAY_MERCHANT_PRIVATE_KEY', 'WECHATPAY_PUBLIC_KEY_ID', 'BANK_GATEWAY_BASE_URL', 'BANK_GATEWAY_SECRET',
  ])('should stop boot naming %s when it is missing with PAYOUT_PROVIDER=live', (name) => {
    const env = { ...liveEnv };
    delete env[name];
    expect(() => loadPayoutsConfig(env)).toThrow(new RegExp(`配置错误.*${name}`));
  });

  it('should reject unreadable keys, a short secret, plain http and unknown values, naming the variable', () => {
    expect(() => loadPayoutsConfig({ ...liveEnv, ALIPAY_PUBLIC_KEY: 'not a key' })).toThrow(/ALIPAY_PUBLIC_KEY is not a readable PEM public key/);
    expect(() => loadPayoutsConfig({ ...liveEnv, WECHATPAY_MERCHANT_PRIVATE_KEY: platform.pub })).toThrow(/WECHATPAY_MERCHANT_PRIVATE_KEY/);
    expect(() => loadPayoutsConfig({ ...liveEnv, BANK_GATEWAY_SECRET: 'short' })).toThrow(/BANK_GATEWAY_SECRET/);
    expect(() => loadPayoutsConfig({ ...liveEnv, BANK_GATEWAY_BASE_URL: 'http://bank.test' })).toThrow(/BANK_GATEWAY_BASE_URL/);
    expect(() => loadPayoutsConfig({ PAYOUT_PROVIDER: 'real' })).toThrow(/PAYOUT_PROVIDER/);
    expect(() => loadPayoutsConfig({ PAYOUT_PROVIDER: 'live', PAYOUT_LIVE_CHANNELS: 'CASH' })).toThrow(/PAYOUT_LIVE_CHANNELS/);
  });

  it('should ignore live credentials entirely in sandbox mode', () => {
    expect(loadPayoutsConfig({ PAYOUT_PROVIDER: 'sandbox', ALIPAY_PRIVATE_KEY: 'garbage' })).toMatchObject({ provider: 'sandbox', alipay: null, wechat: null, bank: null });
  });
});
