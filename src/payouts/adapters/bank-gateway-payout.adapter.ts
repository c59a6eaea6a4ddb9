import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import { PayoutChannelAdapter, PayoutRequest, ProviderResult } from '../payout-channel';
import { PayoutChannel } from '../payout.entity';
import { defaultFetch, FetchFn, PayoutTransportError } from './http';

export type BankGatewaySettings = {
  /** the bank's corporate gateway (or our own bridge to it), e.g. https://gateway.example-bank.cn/api */
  baseUrl: string;
  /** our merchant / corporate customer id at the bank */
  merchantId: string;
  /** shared HMAC-SHA256 secret agreed with the bank */
  secret: string;
  /** the company's paying account at the bank (付款账号), if the gateway wants it in the body */
  payerAccount?: string;
};

export const BANK_TRANSFER_PATH = '/transfers';
export const bankQueryPath = (serialNo: string) => `/transfers/${encodeURIComponent(serialNo)}`;

/** hex HMAC-SHA256 over "METHOD\nPATH\ntimestamp\nnonce\nbody" (requests) or "timestamp\nnonce\nbody" (answers). */
export function bankSignature(secret: string, parts: string[]): string {
  return createHmac('sha256', secret).update(parts.join('\n')).digest('hex');
}

/** The JSON body of POST /transfers: the serial number is our request number, the gateway's idempotency key. */
export function toBankTransfer(s: BankGatewaySettings, req: PayoutRequest): Record<string, unknown> {
  return {
    merchantId: s.merchantId,
    serialNo: req.requestNo,
    amountFen: req.amountFen,
    currency: 'CNY',
    payeeName: req.payee.name,
    payeeBankName: req.payee.bankName,
    payeeAccountNo: req.payee.accountNumber,
    ...(s.payerAccount ? { payerAccountNo: s.payerAccount } : {}),
    remark: req.remark.slice(0, 60),
  };
}

/** Gateway status → ours. SUCCESS paid; FAILED/REJECTED/RETURNED (退票) final; ACCEPTED/PROCESSING still moving. */
export function mapBankStatus(json: Record<string, unknown>): ProviderResult {
  const ref = json.bankRef ? String(json.bankRef) : undefined;
  switch (json.status) {
    case 'SUCCESS':
      return { status: 'PAID', providerRef: ref };
    case 'FAILED':
    case 'REJECTED':
    case 'RETURNED':
      return { status: 'FAILED', providerRef: ref, failureReason: `银行转账${String(json.status)}: ${String(json.failReason ?? json.failCode ?? 'no reason given')}` };
    case 'ACCEPTED':
    case 'PROCESSING':
      return { status: 'PROCESSING', providerRef: ref };
    default:
      throw new PayoutTransportError(`bank gateway answered an unknown status ${String(json.status)}`);
  }
}

/**
 * A generic bank gateway over HTTPS (no national standard API exists for corporate transfers): the
 * integration point for the company's bank, e.g. a 农商银行 corporate banking gateway or a bridge in
 * front of it. Contract: POST {base}/transfers and GET {base}/transfers/{serialNo}, JSON, headers
 * X-Merchant-Id, X-Timestamp (unix seconds), X-Nonce, X-Signature (see bankSignature); the gateway
 * signs its answers the same way; 404 on the query means it never received the serial number.
 */
export class BankGatewayPayoutAdapter implements PayoutChannelAdapter {
  readonly channel = PayoutChannel.BANK_TRANSFER;

  constructor(
    private readonly settings: BankGatewaySettings,
    private readonly fetchFn: FetchFn = defaultFetch,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async pay(request: PayoutRequest): Promise<ProviderResult> {
    if (!request.payee.accountNumber) return { status: 'FAILED', failureReason: '农户未设置银行卡号 no bank account' };
    const a = await this.call('POST', BANK_TRANSFER_PATH, JSON.stringify(toBankTransfer(this.settings, request)));
    if (a.status === 200 || a.status === 201 || a.status === 202) return mapBankStatus(a.json);
    // 422: the gateway validated and refused the transfer; nothing was booked under the serial number
    if (a.status === 422) return { status: 'FAILED', failureReason: `银行拒绝转账 ${String(a.json.failCode ?? '')} ${String(a.json.failReason ?? '')}`.trim() };
    throw new PayoutTransportError(`bank gateway transfer answered ${a.status} ${String(a.json.failCode ?? '')}`.trim());
  }

  async query(requestNo: string): Promise<ProviderResult | { status: 'NOT_FOUND' }> {
    const a = await this.call('GET', bankQueryPath(requestNo), '');
    if (a.status === 404) return { status: 'NOT_FOUND' };
    if (a.status !== 200) throw new PayoutTransportError(`bank gateway query answered ${a.status}`);
    return mapBankStatus(a.json);
  }

  private async call(method: 'GET' | 'POST', path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
    const timestamp = String(Math.floor(this.clock().getTime() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Merchant-Id': this.settings.merchantId,
      'X-Timestamp': timestamp,
      'X-Nonce': nonce,
      'X-Signature': bankSignature(this.settings.secret, [method, path, timestamp, nonce, body]),
    };
    if (method === 'POST') headers['Content-Type'] = 'application/json';
    const res = await this.fetchFn(`${this.settings.baseUrl}${path}`, { method, headers, body: method === 'POST' ? body : undefined, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new PayoutTransportError(`bank gateway answered ${res.status}`);
    const ts = res.headers.get('X-Timestamp');
    const n = res.headers.get('X-Nonce');
    const sig = res.headers.get('X-Signature');
    const expected = ts && n ? Buffer.from(bankSignature(this.settings.secret, [ts, n, text])) : null;
    if (!sig || !expected || expected.length !== Buffer.byteLength(sig) || !timingSafeEqual(expected, Buffer.from(sig))) {
      throw new PayoutTransportError(`bank gateway answer ${res.status} is unsigned or has a bad signature`);
    }
    try {
      return { status: res.status, json: text ? JSON.parse(text) : {} };
    } catch {
      throw new PayoutTransportError(`bank gateway answered ${res.status} with a body that is not JSON`);
    }
  }
}
