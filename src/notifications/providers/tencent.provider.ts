import * as tencentcloud from 'tencentcloud-sdk-nodejs-sms';
import { positionalParams } from '../sms-templates';
import { OutgoingSms, SmsProvider } from '../sms-provider';

const SmsClient = tencentcloud.sms.v20210111.Client;

export type TencentSmsSettings = { secretId: string; secretKey: string; sdkAppId: string; region: string; signName: string; templateCodes: Record<string, string> };

type TencentClient = InstanceType<typeof SmsClient>;
/** The part of the SDK client we call, so the mapping can be tested without network. */
export type TencentSmsClient = Pick<TencentClient, 'SendSms'>;
export type TencentSendSmsRequest = Parameters<TencentClient['SendSms']>[0];

export function createTencentClient(s: TencentSmsSettings): TencentSmsClient {
  return new SmsClient({
    credential: { secretId: s.secretId, secretKey: s.secretKey },
    region: s.region,
    profile: { httpProfile: { endpoint: 'sms.tencentcloudapi.com' } },
  });
}

/** Tencent Cloud SMS (2021-01-11) SendSms: E.164 phone, app id, sign, template id, positional parameters. */
export function toTencentRequest(s: TencentSmsSettings, sms: OutgoingSms): TencentSendSmsRequest {
  return {
    PhoneNumberSet: [`+86${sms.phone}`],
    SmsSdkAppId: s.sdkAppId,
    SignName: s.signName,
    TemplateId: s.templateCodes[sms.templateKey],
    TemplateParamSet: positionalParams(sms.template, sms.params),
    // Comes back in the status callback's ext; our message id.
    SessionContext: sms.messageId,
  };
}

export class TencentSmsProvider implements SmsProvider {
  readonly name = 'tencent';

  constructor(private readonly settings: TencentSmsSettings, private readonly client: TencentSmsClient = createTencentClient(settings)) {}

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    const res = await this.client.SendSms(toTencentRequest(this.settings, sms));
    const status = res.SendStatusSet?.[0];
    if (!status || status.Code !== 'Ok' || !status.SerialNo) throw new Error(`tencent SendSms refused: ${status?.Code ?? 'no status'} ${status?.Message ?? ''}`.trim());
    return { providerMessageId: status.SerialNo };
  }
}
