import { constants, createSign, createVerify, publicEncrypt, randomBytes } from 'crypto';
import { PayoutChannelAdapter, PayoutRequest, ProviderResult } from '../payout-channel';
import { PayoutChannel } from '../payout.entity';
import { defaultFetch, FetchFn, PayoutTransportError } from './http';

export type WechatPayoutSettings = {
  /** 商户号 */
  mchId: string;
  /** the appid the farmers' openids belong to (公众号 / 小程序) */
  appId: string;
  /** serial number of the merchant API certificate (商户API证书序列号) */
  merchantSerialNo: string;
  /** merchant API private key (apiclient_key.pem) */
  merchantPrivateKey: string;
  /** WeChat Pay public key (微信支付公钥) or platform certificate public key: verifies answers, encrypts names */
  platformPublicKey: string;
  /** its id (PUB_KEY_ID_…) or the platform certificate serial, sent as Wechatpay-Serial */
  platformPublicKeyId: string;
  /** https://api.mch.weixin.qq.com */
  baseUrl: string;
  /** 转账场景ID agreed with WeChat Pay for this merchant (omitted if empty) */
  transferSceneId?: string;
};

const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
export const WECHAT_TRANSFER_PATH = '/v3/transfer/batches';
export const wechatDetailPath = (requestNo: string) =>
  `/v3/transfer/batches/out-batch-no/${encodeURIComponent(requestNo)}/details/out-detail-no/${encodeURIComponent(requestNo)}`;

/** Refusals of the transfer call after which nothing was created and retrying cannot help. */
const FINAL_REFUSALS = new Set(['PARAM_ERROR', 'NO_AUTH']);

/** 收款用户姓名 encrypted as WeChat Pay requires: RSAES-OAEP (SHA-1, MGF1) with its public key, base64. */
export function encryptForWechat(publicKeyPem: string, plain: string): string {
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plain, 'utf8')).toString('base64');
}

/** APIv3 request signature: SHA256-RSA over "METHOD\nURL\ntimestamp\nnonce\nbody\n" with the merchant key. */
export function wechatAuthorization(s: Pick<WechatPayoutSettings, 'mchId' | 'merchantSerialNo' | 'merchantPrivateKey'>, method: string, urlPath: string, body: string, timestamp: string, nonce: string): string {
  const signature = createSign('RSA-SHA256').update(`${method}\n${urlPath}\n${timestamp}\n${nonce}\n${body}\n`).sign(s.merchantPrivateKey, 'base64');
  return `${AUTH_SCHEMA} mchid="${s.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${s.merchantSerialNo}"`;
}

/** The body of POST /v3/transfer/batches: one batch with one detail, both numbered by our request number. */
export function toWechatTransfer(s: WechatPayoutSettings, req: PayoutRequest): Record<string, unknown> {
  const remark = req.remark.slice(0, 32);
  return {
    appid: s.appId,
    out_batch_no: req.requestNo,
    batch_name: '农产品结算打款',
    batch_remark: remark,
    // WeChat Pay counts in fen: the integer goes through unchanged
    total_amount: req.amountFen,
    total_num: 1,
    transfer_detail_list: [{
      out_detail_no: req.requestNo,
      transfer_amount: req.amountFen,
      transfer_remark: remark,
      openid: req.payee.accountNumber,
      // Always sent (required from 2,000 yuan, optional below): WeChat then checks the name against the
      // openid's verified real name and refuses a mismatch instead of paying someone else.
      user_name: encryptForWechat(s.platformPublicKey, req.payee.name),
    }],
    ...(s.transferSceneId ? { transfer_scene_id: s.transferSceneId } : {}),
  };
}

type Answer = { status: number; json: Record<string, unknown> };

/**
 * WeChat Pay 商家转账到零钱 (API v3, batch transfer with one detail). Requests are signed with the
 * merchant key; every answer's Wechatpay-Signature is verified with the WeChat Pay public key before
 * it is believed. 5xx, 429, network errors and unverifiable answers throw (retry, then query).
 */
export class WechatPayoutAdapter implements PayoutChannelAdapter {
  readonly channel = PayoutChannel.WECHAT_PAY;

  constructor(
    private readonly settings: WechatPayoutSettings,
    private readonly fetchFn: FetchFn = defaultFetch,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async pay(request: PayoutRequest): Promise<ProviderResult> {
    if (!request.payee.accountNumber) return { status: 'FAILED', failureReason: '农户未绑定微信 openid no WeChat openid' };
    const a = await this.call('POST', WECHAT_TRANSFER_PATH, JSON.stringify(toWechatTransfer(this.settings, request)));
    if (a.status === 200 || a.status === 202) {
      // Accepted: the detail's outcome comes from the query on the next attempt.
      if (a.json.batch_status === 'CLOSED') return { status: 'FAILED', providerRef: String(a.json.batch_id ?? ''), failureReason: '微信转账批次已关闭 batch closed' };
      return { status: 'PROCESSING', providerRef: a.json.batch_id ? String(a.json.batch_id) : undefined };
    }
    const code = String(a.json.code ?? '');
    if (a.status >= 400 && a.status < 500 && FINAL_REFUSALS.has(code)) {
      return { status: 'FAILED', failureReason: `微信拒绝转账 ${code} ${String(a.json.message ?? '')}`.trim() };
    }
    throw new PayoutTransportError(`wechat transfer answered ${a.status} ${code}`);
  }

  async query(requestNo: string): Promise<ProviderResult | { status: 'NOT_FOUND' }> {
    const a = await this.call('GET', wechatDetailPath(requestNo), '');
    if (a.status === 404 && a.json.code === 'NOT_FOUND') return { status: 'NOT_FOUND' };
    if (a.status !== 200) throw new PayoutTransportError(`wechat detail query answered ${a.status} ${String(a.json.code ?? '')}`);
    const ref = a.json.detail_id ? String(a.json.detail_id) : undefined;
    switch (a.json.detail_status) {
      case 'SUCCESS':
        return { status: 'PAID', providerRef: ref };
      case 'FAIL':
        return { status: 'FAILED', providerRef: ref, failureReason: `微信转账失败 ${String(a.json.fail_reason ?? 'no reason given')}` };
      default:
        // INIT, WAIT_PAY, PROCESSING
        return { status: 'PROCESSING', providerRef: ref };
    }
  }

  private async call(method: 'GET' | 'POST', path: string, body: string): Promise<Answer> {
    const timestamp = String(Math.floor(this.clock().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: wechatAuthorization(this.settings, method, path, body, timestamp, nonce),
      'User-Agent': 'village-commerce-payouts',
    };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      headers['Wechatpay-Serial'] = this.settings.platformPublicKeyId;
    }
    const res = await this.fetchFn(`${this.settings.baseUrl}${path}`, { method, headers, body: method === 'POST' ? body : undefined, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new PayoutTransportError(`wechat answered ${res.status}`);
    this.verify(res, text);
    let json: Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new PayoutTransportError(`wechat answered ${res.status} with a body that is not JSON`);
    }
    return { status: res.status, json };
  }

  /** Answer signature: SHA256-RSA over "timestamp\nnonce\nbody\n" (Wechatpay-* headers). */
  private verify(res: Response, body: string): void {
    const timestamp = res.headers.get('Wechatpay-Timestamp');
    const nonce = res.headers.get('Wechatpay-Nonce');
    const signature = res.headers.get('Wechatpay-Signature');
    if (!timestamp || !nonce || !signature) throw new PayoutTransportError(`wechat answer ${res.status} is not signed`);
    const ok = createVerify('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).verify(this.settings.platformPublicKey, signature, 'base64');
    if (!ok) throw new PayoutTransportError(`wechat answer ${res.status} has a bad signature`);
  }
}
