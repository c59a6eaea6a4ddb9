import { generateKeyPairSync } from 'crypto';
import { PayoutRequest } from '../payout-channel';
import { ALIPAY_QUERY, ALIPAY_TRANSFER, AlipayPayoutAdapter, createAlipayClient, toAlipayTransfer } from './alipay-payout.adapter';

const request: PayoutRequest = {
  requestNo: 'VCP00000000000042', amountFen: 123456, remark: '农产品结算 statement 42',
  payee: { name: '吴金兰', accountNumber: '13907371234', bankName: null },
};
const settings = { appId: '2021000000000001', privateKey: 'unused', alipayPublicKey: 'unused', gateway: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do' };

const stub = (...answers: Array<Record<string, unknown> | Error>) => {
  const exec = jest.fn();
  for (const a of answers) {
    if (a instanceof Error) exec.mockRejectedValueOnce(a);
    else exec.mockResolvedValueOnce(a);
  }
  return { exec, sut: new AlipayPayoutAdapter(settings, { exec } as never) };
};

describe(AlipayPayoutAdapter.name, () => {
  describe('request mapping', () => {
    it('should build alipay.fund.trans.uni.transfer with out_biz_no = request number and the amount in yuan from fen', async () => {
      const { exec, sut } = stub({ code: '10000', msg: 'Success', out_biz_no: request.requestNo, order_id: '2025A', pay_fund_order_id: '2025P', status: 'SUCCESS' });
      await expect(sut.pay(request)).resolves.toEqual({ status: 'PAID', providerRef: '2025P' });
      expect(exec).toHaveBeenCalledTimes(1);
      expect(exec).toHaveBeenCalledWith(ALIPAY_TRANSFER, {
        bizContent: {
          out_biz_no: 'VCP00000000000042', trans_amount: '1234.56', product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER',
          order_title: '农产品结算 statement 42', remark: '农产品结算 statement 42',
          payee_info: { identity: '13907371234', identity_type: 'ALIPAY_LOGON_ID', name: '吴金兰' },
        },
      }, { validateSign: true });
    });

    it('should format small amounts with two decimals and pick ALIPAY_USER_ID for a 2088 user id', () => {
      const body = toAlipayTransfer({ ...request, amountFen: 5, payee: { ...request.payee, accountNumber: '2088102146225135' } });
      expect(body.trans_amount).toBe('0.05');
      expect(body.payee_info).toEqual({ identity: '2088102146225135', identity_type: 'ALIPAY_USER_ID', name: '吴金兰' });
    });

    it('should query alipay.fund.trans.common.query by out_biz_no', async () => {
      const { exec, sut } = stub({ code: '10000', status: 'DEALING', order_id: '2025A' });
      await expect(sut.query(request.requestNo)).resolves.toEqual({ status: 'PROCESSING', providerRef: '2025A' });
      expect(exec).toHaveBeenCalledWith(ALIPAY_QUERY, {
        bizContent: { product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER', out_biz_no: 'VCP00000000000042' },
      }, { validateSign: true });
    });
  });

  describe('answer mapping', () => {
    it.each([
      ['SUCCESS', 'PAID'], ['FAIL', 'FAILED'], ['CLOSED', 'FAILED'], ['REFUND', 'FAILED'], ['DEALING', 'PROCESSING'], ['WAIT_PAY', 'PROCESSING'], ['INIT', 'PROCESSING'],
    ])('should map query status %s to %s', async (status, expected) => {
      const { sut } = stub({ code: '10000', status, order_id: 'o1', fail_reason: '收款账户被冻结' });
      const r = await sut.query(request.requestNo);
      expect(r.status).toBe(expected);
      if (expected === 'FAILED') expect((r as { failureReason: string }).failureReason).toContain('收款账户被冻结');
    });

    it('should answer NOT_FOUND when Alipay says the order does not exist', async () => {
      const { sut } = stub({ code: '40004', msg: 'Business Failed', sub_code: 'ORDER_NOT_EXIST', sub_msg: '转账订单不存在' });
      await expect(sut.query(request.requestNo)).resolves.toEqual({ status: 'NOT_FOUND' });
    });

    it('should fail a definite refusal with the reason and throw on retryable ones', async () => {
      const refused = stub({ code: '40004', msg: 'Business Failed', sub_code: 'PAYEE_NOT_EXIST', sub_msg: '收款账号不存在' });
      await expect(refused.sut.pay(request)).resolves.toEqual({ status: 'FAILED', failureReason: expect.stringContaining('PAYEE_NOT_EXIST') });
      const busy = stub({ code: '40004', sub_code: 'SYSTEM_ERROR', sub_msg: '系统繁忙' });
      await expect(busy.sut.pay(request)).rejects.toThrow(/SYSTEM_ERROR/);
      const down = stub({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' });
      await expect(down.sut.pay(request)).rejects.toThrow(/20000/);
    });

    it('should let transport errors and unknown query answers throw so the processor retries and queries again', async () => {
      const net = stub(new Error('HttpClient Request error: ECONNRESET'));
      await expect(net.sut.pay(request)).rejects.toThrow(/ECONNRESET/);
      const odd = stub({ code: '40004', sub_code: 'SYSTEM_ERROR' });
      await expect(odd.sut.query(request.requestNo)).rejects.toThrow(/SYSTEM_ERROR/);
    });

    it('should treat a processing transfer answer as PROCESSING and refuse a payee without an account without calling Alipay', async () => {
      const { exec, sut } = stub({ code: '10000', status: 'DEALING', order_id: 'o2' });
      await expect(sut.pay(request)).resolves.toEqual({ status: 'PROCESSING', providerRef: 'o2' });
      await expect(sut.pay({ ...request, payee: { ...request.payee, accountNumber: null } })).resolves.toMatchObject({ status: 'FAILED' });
      expect(exec).toHaveBeenCalledTimes(1);
    });
  });

  describe(createAlipayClient.name, () => {
    it('should build an SDK client with RSA2, the gateway and snake_case answers (no network)', () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const client = createAlipayClient({
        ...settings,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        alipayPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      }) as unknown as { config: Record<string, unknown> };
      expect(client.config).toMatchObject({ appId: settings.appId, gateway: settings.gateway, signType: 'RSA2', keyType: 'PKCS8', camelcase: false });
    });
  });
});
