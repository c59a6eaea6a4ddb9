import { AlipaySdk } from 'alipay-sdk';
import { formatYuan } from '../../common/money';
import { PayoutChannelAdapter, PayoutRequest, ProviderResult } from '../payout-channel';
import { PayoutChannel } from '../payout.entity';

export type AlipayPayoutSettings = {
  appId: string;
  /** application private key (PEM, PKCS1 or PKCS8) */
  privateKey: string;
  /** Alipay's public key (PEM): every answer's signature is verified with it */
  alipayPublicKey: string;
  /** https://openapi.alipay.com/gateway.do (production) or the sandbox gateway */
  gateway: string;
};

/** The part of the SDK we call, so tests stub `exec` and capture the requests. */
export type AlipayExecClient = Pick<AlipaySdk, 'exec'>;

export function createAlipayClient(s: AlipayPayoutSettings): AlipayExecClient {
  return new AlipaySdk({
    appId: s.appId, privateKey: s.privateKey, alipayPublicKey: s.alipayPublicKey, gateway: s.gateway,
    keyType: s.privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8', signType: 'RSA2',
    // keep Alipay's snake_case answer keys, as documented
    camelcase: false, timeout: 10_000,
  });
}

export const ALIPAY_TRANSFER = 'alipay.fund.trans.uni.transfer';
export const ALIPAY_QUERY = 'alipay.fund.trans.common.query';
const PRODUCT_CODE = 'TRANS_ACCOUNT_NO_PWD';
const BIZ_SCENE = 'DIRECT_TRANSFER';
/** 16-digit 支付宝用户号 (UID) starting 2088; anything else (phone, email) is a logon id. */
const ALIPAY_USER_ID = /^2088\d{12}$/;

/**
 * Business refusals (code 40004) after which retrying under the same out_biz_no may still succeed:
 * the adapter throws, so Bull retries and the next attempt queries first. Any other 40004 is final.
 */
const RETRYABLE_SUB_CODES = new Set(['SYSTEM_ERROR', 'PAYER_BALANCE_NOT_ENOUGH', 'BALANCE_IS_NOT_ENOUGH', 'ISP.SYSTEM_ERROR']);
const NOT_FOUND_SUB_CODES = new Set(['ORDER_NOT_EXIST', 'ORDER_NOT_EXISTS']);

type AlipayAnswer = { code: string; msg?: string; sub_code?: string; sub_msg?: string; status?: string; order_id?: string; pay_fund_order_id?: string; fail_reason?: string; error_code?: string };

/** The biz_content of alipay.fund.trans.uni.transfer (单笔无密转账到支付宝账户). */
export function toAlipayTransfer(req: PayoutRequest): Record<string, unknown> {
  const account = req.payee.accountNumber ?? '';
  const identityType = ALIPAY_USER_ID.test(account) ? 'ALIPAY_USER_ID' : 'ALIPAY_LOGON_ID';
  return {
    out_biz_no: req.requestNo,
    // yuan with two decimals, converted from integer fen without floats
    trans_amount: formatYuan(req.amountFen),
    product_code: PRODUCT_CODE,
    biz_scene: BIZ_SCENE,
    order_title: req.remark.slice(0, 64),
    remark: req.remark.slice(0, 200),
    payee_info: { identity: account, identity_type: identityType, name: req.payee.name },
  };
}

/** Alipay transfer status → ours. SUCCESS paid; FAIL/CLOSED/REFUND final failure; anything else still moving. */
export function mapAlipayStatus(a: AlipayAnswer): ProviderResult {
  const ref = a.pay_fund_order_id ?? a.order_id;
  switch (a.status) {
    case 'SUCCESS':
      return { status: 'PAID', providerRef: ref };
    case 'FAIL':
    case 'CLOSED':
    case 'REFUND':
      return { status: 'FAILED', providerRef: ref, failureReason: `支付宝转账${a.status}: ${a.fail_reason ?? a.error_code ?? 'no reason given'}` };
    default:
      // DEALING, WAIT_PAY, INIT, UNKNOWN: ask again later by the same out_biz_no
      return { status: 'PROCESSING', providerRef: ref };
  }
}

const refusal = (a: AlipayAnswer) => `${a.code} ${a.sub_code ?? ''} ${a.sub_msg ?? a.msg ?? ''}`.trim();

/**
 * Alipay 单笔转账到支付宝账户 through the official SDK. The request number is out_biz_no, Alipay's
 * idempotency key. Answers are signature-checked (validateSign). Transport errors, gateway errors
 * (20000 and similar) and retryable refusals throw: the processor retries and queries first.
 */
export class AlipayPayoutAdapter implements PayoutChannelAdapter {
  readonly channel = PayoutChannel.ALIPAY;

  constructor(private readonly settings: AlipayPayoutSettings, private readonly client: AlipayExecClient = createAlipayClient(settings)) {}

  async pay(request: PayoutRequest): Promise<ProviderResult> {
    if (!request.payee.accountNumber) return { status: 'FAILED', failureReason: '农户未设置支付宝账号 no Alipay account' };
    const a = await this.client.exec(ALIPAY_TRANSFER, { bizContent: toAlipayTransfer(request) }, { validateSign: true }) as AlipayAnswer;
    if (a.code === '10000') return mapAlipayStatus(a);
    if (a.code === '40004' && a.sub_code && !RETRYABLE_SUB_CODES.has(a.sub_code)) {
      return { status: 'FAILED', failureReason: `支付宝拒绝转账 ${refusal(a)}` };
    }
    throw new Error(`alipay transfer not answered definitively: ${refusal(a)}`);
  }

  async query(requestNo: string): Promise<ProviderResult | { status: 'NOT_FOUND' }> {
    const a = await this.client.exec(ALIPAY_QUERY, {
      bizContent: { product_code: PRODUCT_CODE, biz_scene: BIZ_SCENE, out_biz_no: requestNo },
    }, { validateSign: true }) as AlipayAnswer;
    if (a.code === '10000') return mapAlipayStatus(a);
    if (a.code === '40004' && a.sub_code && NOT_FOUND_SUB_CODES.has(a.sub_code)) return { status: 'NOT_FOUND' };
    throw new Error(`alipay query failed: ${refusal(a)}`);
  }
}
