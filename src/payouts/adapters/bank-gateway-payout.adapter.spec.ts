import { createHmac } from 'crypto';
import { PayoutRequest } from '../payout-channel';
import { BANK_TRANSFER_PATH, BankGatewayPayoutAdapter, BankGatewaySettings, bankQueryPath } from './bank-gateway-payout.adapter';
import { FetchFn } from './http';

const settings: BankGatewaySettings = { baseUrl: 'https://bank-gateway.test/api', merchantId: 'M0001', secret: 'test-secret-0123456789abcdef' };
const request: PayoutRequest = {
  requestNo: 'VCP00000000000042', amountFen: 98765, remark: '农产品结算 statement 42',
  payee: { name: '吴金兰', accountNumber: '6230901234567890123', bankName: '湖南农村商业银行' },
};
const hmac = (s: string) => createHmac('sha256', settings.secret).update(s).digest('hex');

type Captured = { url: string; method: string; headers: Record<string, string>; body?: string };

function fakeBank(...answers: Array<{ status: number; body: unknown; sign?: 'ok' | 'bad' | 'none' } | Error>) {
  const calls: Captured[] = [];
  const fetchFn: FetchFn = async (url, init) => {
    calls.push({ url, method: init.method, headers: init.headers, body: init.body });
    const a = answers.shift();
    if (!a) throw new Error('unexpected call');
    if (a instanceof Error) throw a;
    const text = JSON.stringify(a.body);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (a.sign !== 'none') {
      headers['X-Timestamp'] = '1767225600';
      headers['X-Nonce'] = 'n1';
      headers['X-Signature'] = a.sign === 'bad' ? hmac('tampered') : hmac(`1767225600\nn1\n${text}`);
    }
    return new Response(text, { status: a.status, headers });
  };
  return { calls, sut: new BankGatewayPayoutAdapter(settings, fetchFn, () => new Date('2026-01-01T00:00:00Z')) };
}

const expectSigned = (c: Captured) => {
  const path = c.url.slice(settings.baseUrl.length);
  expect(c.headers['X-Merchant-Id']).toBe('M0001');
  expect(c.headers['X-Timestamp']).toBe('1767225600');
  expect(c.headers['X-Nonce']).toMatch(/^[0-9a-f]{32}$/);
  expect(c.headers['X-Signature']).toBe(hmac([c.method, path, c.headers['X-Timestamp'], c.headers['X-Nonce'], c.body ?? ''].join('\n')));
};

describe(BankGatewayPayoutAdapter.name, () => {
  describe('pay', () => {
    it('should POST /transfers with serial number = request number, fen, payee name, bank and account, HMAC-signed', async () => {
      const { calls, sut } = fakeBank({ status: 200, body: { serialNo: request.requestNo, status: 'SUCCESS', bankRef: 'B20260101-1' } });
      await expect(sut.pay(request)).resolves.toEqual({ status: 'PAID', providerRef: 'B20260101-1' });
      expect(calls).toHaveLength(1);
      expect(calls[0].method).toBe('POST');
      expect(calls[0].url).toBe(`https://bank-gateway.test/api${BANK_TRANSFER_PATH}`);
      expect(calls[0].headers['Content-Type']).toBe('application/json');
      expect(JSON.parse(calls[0].body!)).toEqual({
        merchantId: 'M0001', serialNo: 'VCP00000000000042', amountFen: 98765, currency: 'CNY', payeeName: '吴金兰',
        payeeBankName: '湖南农村商业银行', payeeAccountNo: '6230901234567890123', remark: '农产品结算 statement 42',
      });
      expectSigned(calls[0]);
    });

    it.each([
      ['SUCCESS', 'PAID'], ['FAILED', 'FAILED'], ['REJECTED', 'FAILED'], ['RETURNED', 'FAILED'], ['ACCEPTED', 'PROCESSING'], ['PROCESSING', 'PROCESSING'],
    ])('should map status %s to %s', async (status, expected) => {
      const r = await fakeBank({ status: 200, body: { status, bankRef: 'r', failReason: '户名不符' } }).sut.pay(request);
      expect(r.status).toBe(expected);
      if (expected === 'FAILED') expect(r.failureReason).toContain('户名不符');
    });

    it('should fail a 422 refusal and throw on 5xx, unknown statuses, bad signatures and network errors', async () => {
      await expect(fakeBank({ status: 422, body: { failCode: 'ACCOUNT_INVALID', failReason: '账号不存在' } }).sut.pay(request))
        .resolves.toEqual({ status: 'FAILED', failureReason: expect.stringContaining('ACCOUNT_INVALID') });
      await expect(fakeBank({ status: 503, body: {} }).sut.pay(request)).rejects.toThrow(/503/);
      await expect(fakeBank({ status: 409, body: { failCode: 'DUPLICATE' } }).sut.pay(request)).rejects.toThrow(/409/);
      await expect(fakeBank({ status: 200, body: { status: 'WHATEVER' } }).sut.pay(request)).rejects.toThrow(/unknown status/);
      await expect(fakeBank({ status: 200, body: { status: 'SUCCESS' }, sign: 'bad' }).sut.pay(request)).rejects.toThrow(/signature/);
      await expect(fakeBank({ status: 200, body: { status: 'SUCCESS' }, sign: 'none' }).sut.pay(request)).rejects.toThrow(/unsigned/);
      await expect(fakeBank(new TypeError('fetch failed')).sut.pay(request)).rejects.toThrow(/fetch failed/);
    });
  });

  describe('query', () => {
    it('should GET /transfers/{serialNo}, signed over an empty body, and map the answer', async () => {
      const { calls, sut } = fakeBank({ status: 200, body: { serialNo: request.requestNo, status: 'PROCESSING' } });
      await expect(sut.query(request.requestNo)).resolves.toEqual({ status: 'PROCESSING', providerRef: undefined });
      expect(calls[0].method).toBe('GET');
      expect(calls[0].url).toBe(`https://bank-gateway.test/api${bankQueryPath(request.requestNo)}`);
      expect(calls[0].body).toBeUndefined();
      expectSigned(calls[0]);
    });

    it('should answer NOT_FOUND on a signed 404 and throw on other errors', async () => {
      await expect(fakeBank({ status: 404, body: { failCode: 'NOT_FOUND' } }).sut.query(request.requestNo)).resolves.toEqual({ status: 'NOT_FOUND' });
      await expect(fakeBank({ status: 404, body: {}, sign: 'none' }).sut.query(request.requestNo)).rejects.toThrow(/unsigned/);
      await expect(fakeBank({ status: 401, body: {} }).sut.query(request.requestNo)).rejects.toThrow(/401/);
      await expect(fakeBank(new Error('ECONNREFUSED')).sut.query(request.requestNo)).rejects.toThrow(/ECONNREFUSED/);
    });
  });
});
