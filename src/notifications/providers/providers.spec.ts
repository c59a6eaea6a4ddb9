import { SMS_TEMPLATES } from '../sms-templates';
import { OutgoingSms } from '../sms-provider';
import { AliyunSmsProvider, toAliyunRequest } from './aliyun.provider';
import { TencentSmsProvider, toTencentRequest } from './tencent.provider';

const sms: OutgoingSms = {
  messageId: '42', phone: '13907371234', templateKey: 'PARCEL_ARRIVED', template: SMS_TEMPLATES.PARCEL_ARRIVED,
  params: { carrier: '中通', point: '花桥港村服务点', code: '3-2-0417', hours: '08:00-18:00' }, body: 'ignored',
};
const codes = { PARCEL_ARRIVED: 'SMS_200001' };

describe('SMS provider adapters (no network)', () => {
  describe(AliyunSmsProvider.name, () => {
    const settings = { accessKeyId: 'id', accessKeySecret: 'secret', endpoint: 'dysmsapi.aliyuncs.com', signName: '怡创客', templateCodes: codes };

    it('should map to SendSms with sign name, template code and the parameters as a JSON string', () => {
      const req = toAliyunRequest(settings, sms);
      expect(req.phoneNumbers).toBe('13907371234');
      expect(req.signName).toBe('怡创客');
      expect(req.templateCode).toBe('SMS_200001');
      expect(JSON.parse(req.templateParam as string)).toEqual({ carrier: '中通', point: '花桥港村服务点', code: '3-2-0417', hours: '08:00-18:00' });
      expect(req.outId).toBe('42');
    });

    it('should return the BizId and throw when the answer is not OK', async () => {
      const ok = new AliyunSmsProvider(settings, { sendSms: jest.fn().mockResolvedValue({ body: { code: 'OK', bizId: '9^0' } }) } as never);
      await expect(ok.send(sms)).resolves.toEqual({ providerMessageId: '9^0' });
      const refused = new AliyunSmsProvider(settings, { sendSms: jest.fn().mockResolvedValue({ body: { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发流控' } }) } as never);
      await expect(refused.send(sms)).rejects.toThrow(/BUSINESS_LIMIT_CONTROL/);
    });
  });

  describe(TencentSmsProvider.name, () => {
    const settings = { secretId: 'id', secretKey: 'key', sdkAppId: '1400000000', region: 'ap-guangzhou', signName: '怡创客', templateCodes: codes };

    it('should map to SendSms with +86 phone, app id, sign, template id and positional parameters', () => {
      expect(toTencentRequest(settings, sms)).toEqual({
        PhoneNumberSet: ['+8613907371234'], SmsSdkAppId: '1400000000', SignName: '怡创客', TemplateId: 'SMS_200001',
        TemplateParamSet: ['中通', '花桥港村服务点', '3-2-0417', '08:00-18:00'], SessionContext: '42',
      });
    });

    it('should return the SerialNo and throw when the status is not Ok', async () => {
      const ok = new TencentSmsProvider(settings, { SendSms: jest.fn().mockResolvedValue({ SendStatusSet: [{ Code: 'Ok', SerialNo: 'sn-1' }] }) } as never);
      await expect(ok.send(sms)).resolves.toEqual({ providerMessageId: 'sn-1' });
      const refused = new TencentSmsProvider(settings, { SendSms: jest.fn().mockResolvedValue({ SendStatusSet: [{ Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'limit' }] }) } as never);
      await expect(refused.send(sms)).rejects.toThrow(/PhoneNumberDailyLimit/);
    });
  });
});
