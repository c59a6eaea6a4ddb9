import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { OutgoingSms, SmsProvider } from '../sms-provider';

export type AliyunSmsSettings = { accessKeyId: string; accessKeySecret: string; endpoint: string; signName: string; templateCodes: Record<string, string> };

/** The part of the SDK client we call, so the mapping can be tested without network. */
export type AliyunSmsClient = Pick<Dysmsapi, 'sendSms'>;

export function createAliyunClient(s: AliyunSmsSettings): AliyunSmsClient {
  return new Dysmsapi(new $OpenApiUtil.Config({ accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, endpoint: s.endpoint }));
}

/** Aliyun SMS (dysmsapi 2017-05-25) SendSms: one phone, sign name, template code, parameters as a JSON string. */
export function toAliyunRequest(s: AliyunSmsSettings, sms: OutgoingSms): SendSmsRequest {
  return new SendSmsRequest({
    phoneNumbers: sms.phone,
    signName: s.signName,
    templateCode: s.templateCodes[sms.templateKey],
    templateParam: JSON.stringify(Object.fromEntries(sms.template.params.map((p) => [p, sms.params[p]]))),
    // Comes back as out_id in the SmsReport receipt.
    outId: sms.messageId,
  });
}

export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun';

  constructor(private readonly settings: AliyunSmsSettings, private readonly client: AliyunSmsClient = createAliyunClient(settings)) {}

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    const res = await this.client.sendSms(toAliyunRequest(this.settings, sms));
    const body = res.body;
    if (!body || body.code !== 'OK' || !body.bizId) throw new Error(`aliyun SendSms refused: ${body?.code ?? 'no body'} ${body?.message ?? ''}`.trim());
    return { providerMessageId: body.bizId };
  }
}
