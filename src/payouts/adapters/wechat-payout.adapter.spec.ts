import { constants, createSign, createVerify, generateKeyPairSync, privateDecrypt } from 'crypto';
import { PayoutRequest } from '../payout-channel';
import { FetchFn } from './http';
import { WECHAT_TRANSFER_PATH, wechatDetailPath, WechatPayoutAdapter, WechatPayoutSettings } from './wechat-payout.adapter';

const pem = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), pub: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const merchant = pem();
const platform = pem();

const settings: WechatPayoutSettings = {
  mchId: '1900000109', appId: 'wx8888888888888888', merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A72', merchantPrivateKey: merchant.priv,
  platformPublicKey: platform.pub, platformPublicKeyId: 'PUB_KEY_ID_0114232134912410000000000000', baseUrl: 'https://api.mch.weixin.qq.com',
};
const request: PayoutRequest = {
  requestNo: 'VCP00000000000042', amountFen: 300050, remark: '农产品结算 statement 42',
  payee: { name: '吴金兰', accountNumber: 'o-MYE42l80oelYMDE34nYD456Xoy', bankName: null },
};

type Captured = { url: string; method: string; headers: Record<string, string>; body?: string };

/** A WeChat Pay stand-in: records requests, answers signed (or not) JSON with the platform key. */
function fakeWechat(...answers: Array<{ status: number; body: unknown; sign?: 'ok' | 'bad' | 'none' } | Error>) {
  const calls: Captured[] = [];
  const fetchFn: FetchFn = async (url, init) => {
    calls.push({ url, method: init.method, headers: init.headers, body: init.body });
    const a = answers.shift();
    if (!a) throw new Error('unexpected call');
    if (a instanceof Error) throw a;
    const text = a.body === '' ? '' : JSON.stringify(a.body);
    const ts = '1767000000';
    const nonce = 'abc123';
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (a.sign !== 'none') {
      headers['Wechatpay-Timestamp'] = ts;
      headers['Wechatpay-Nonce'] = nonce;
      headers['Wechatpay-Serial'] = settings.platformPublicKeyId;
      headers['Wechatpay-Signature'] = createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${a.sign === 'bad' ? 'tampered' : text}\n`).sign(platform.priv, 'base64');
    }
    return new Response(text || null, { status: a.status, headers });
  };
  return { calls, sut: new WechatPayoutAdapter(settings, fetchFn, () => new Date('2026-01-01T00:00:00Z')) };
}

/** Checks the Authorization header against the merchant's public key, as WeChat Pay does. */
function verifyAuthorization(c: Captured): Record<string, string> {
  const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(c.headers.Authorization);
  expect(m).not.toBeNull();
  const parts = Object.fromEntries([...m![1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
  const path = c.url.slice(settings.baseUrl.length);
  const ok = createVerify('RSA-SHA256').update(`${c.method}\n${path}\n${parts.timestamp}\n${parts.nonce_str}\n${c.body ?? ''}\n`).verify(merchant.pub, parts.signature, 'base64');
  expect(ok).toBe(true);
  return parts;
}

describe(WechatPayoutAdapter.name, () => {
  describe('pay', () => {
    it('should POST /v3/transfer/batches with the request number as batch and detail number, fen as integer, signed', async () => {
      const { calls, sut } = fakeWechat({ status: 200, body: { out_batch_no: request.requestNo, batch_id: '1030000071100999991182020050700019480001', batch_status: 'ACCEPTED' } });
      await expect(sut.pay(request)).resolves.toEqual({ status: 'PROCESSING', providerRef: '1030000071100999991182020050700019480001' });
      expect(calls).toHaveLength(1);
      const c = calls[0];
      expect(c.method).toBe('POST');
      expect(c.url).toBe(`https://api.mch.weixin.qq.com${WECHAT_TRANSFER_PATH}`);
      expect(c.headers['Content-Type']).toBe('application/json');
      expect(c.headers['Wechatpay-Serial']).toBe(settings.platformPublicKeyId);
      const parts = verifyAuthorization(c);
      expect(parts).toMatchObject({ mchid: '1900000109', serial_no: settings.merchantSerialNo, timestamp: '1767225600' });
      const body = JSON.parse(c.body!);
      expect(body).toMatchObject({
        appid: settings.appId, out_batch_no: 'VCP00000000000042', total_amount: 300050, total_num: 1, batch_remark: '农产品结算 statement 42',
      });
      expect(body.transfer_detail_list).toHaveLength(1);
      const d = body.transfer_detail_list[0];
      expect(d).toMatchObject({ out_detail_no: 'VCP00000000000042', transfer_amount: 300050, openid: request.payee.accountNumber });
      expect(Number.isInteger(d.transfer_amount)).toBe(true);
      // the name travels encrypted with the WeChat Pay public key (OAEP, SHA-1)
      expect(d.user_name).not.toContain('吴');
      const name = privateDecrypt({ key: platform.priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(d.user_name, 'base64')).toString('utf8');
      expect(name).toBe('吴金兰');
    });

    it('should fail definite refusals, and throw on 5xx, 429, balance, unsigned or tampered answers and network errors', async () => {
      await expect(fakeWechat({ status: 400, body: { code: 'PARAM_ERROR', message: 'openid无效' } }).sut.pay(request))
        .resolves.toEqual({ status: 'FAILED', failureReason: expect.stringContaining('PARAM_ERROR') });
      await expect(fakeWechat({ status: 500, body: { code: 'SYSTEM_ERROR' } }).sut.pay(request)).rejects.toThrow(/500/);
      await expect(fakeWechat({ status: 429, body: { code: 'FREQUENCY_LIMITED' } }).sut.pay(request)).rejects.toThrow(/429/);
      await expect(fakeWechat({ status: 403, body: { code: 'NOT_ENOUGH', message: '资金不足' } }).sut.pay(request)).rejects.toThrow(/NOT_ENOUGH/);
      await expect(fakeWechat({ status: 400, body: { code: 'INVALID_REQUEST', message: '批次号已存在' } }).sut.pay(request)).rejects.toThrow(/INVALID_REQUEST/);
      await expect(fakeWechat({ status: 200, body: { batch_status: 'ACCEPTED' }, sign: 'none' }).sut.pay(request)).rejects.toThrow(/not signed/);
      await expect(fakeWechat({ status: 200, body: { batch_status: 'ACCEPTED' }, sign: 'bad' }).sut.pay(request)).rejects.toThrow(/bad signature/);
      await expect(fakeWechat(new TypeError('fetch failed')).sut.pay(request)).rejects.toThrow(/fetch failed/);
    });

    it('should not call WeChat for a payee without an openid', async () => {
      const { calls, sut } = fakeWechat();
      await expect(sut.pay({ ...request, payee: { ...request.payee, accountNumber: null } })).resolves.toMatchObject({ status: 'FAILED' });
      expect(calls).toHaveLength(0);
    });
  });

  describe('query', () => {
    it('should GET the detail by out_batch_no and out_detail_no, signed over an empty body', async () => {
      const { calls, sut } = fakeWechat({ status: 200, body: { detail_id: '1040000071100999991182020050700019500100', detail_status: 'SUCCESS', transfer_amount: 300050 } });
      await expect(sut.query(request.requestNo)).resolves.toEqual({ status: 'PAID', providerRef: '1040000071100999991182020050700019500100' });
      expect(calls[0].method).toBe('GET');
      expect(calls[0].url).toBe('https://api.mch.weixin.qq.com/v3/transfer/batches/out-batch-no/VCP00000000000042/details/out-detail-no/VCP00000000000042');
      expect(calls[0].url).toBe(`${settings.baseUrl}${wechatDetailPath(request.requestNo)}`);
      expect(calls[0].body).toBeUndefined();
      verifyAuthorization(calls[0]);
    });

    it.each([
      ['SUCCESS', 'PAID'], ['FAIL', 'FAILED'], ['PROCESSING', 'PROCESSING'], ['INIT', 'PROCESSING'], ['WAIT_PAY', 'PROCESSING'],
    ])('should map detail_status %s to %s', async (detailStatus, expected) => {
      const r = await fakeWechat({ status: 200, body: { detail_id: 'd1', detail_status: detailStatus, fail_reason: 'ACCOUNT_FROZEN' } }).sut.query(request.requestNo);
      expect(r.status).toBe(expected);
      if (expected === 'FAILED') expect((r as { failureReason: string }).failureReason).toContain('ACCOUNT_FROZEN');
    });

    it('should answer NOT_FOUND on a signed 404 NOT_FOUND and throw on errors', async () => {
      await expect(fakeWechat({ status: 404, body: { code: 'NOT_FOUND', message: '记录不存在' } }).sut.query(request.requestNo)).resolves.toEqual({ status: 'NOT_FOUND' });
      await expect(fakeWechat({ status: 404, body: { code: 'NOT_FOUND' }, sign: 'bad' }).sut.query(request.requestNo)).rejects.toThrow(/bad signature/);
      await expect(fakeWechat({ status: 500, body: { code: 'SYSTEM_ERROR' } }).sut.query(request.requestNo)).rejects.toThrow(/500/);
      await expect(fakeWechat({ status: 401, body: { code: 'SIGN_ERROR' } }).sut.query(request.requestNo)).rejects.toThrow(/401/);
      await expect(fakeWechat(new Error('ETIMEDOUT')).sut.query(request.requestNo)).rejects.toThrow(/ETIMEDOUT/);
    });
  });
});
