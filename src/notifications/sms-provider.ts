import { SmsParams, SmsTemplateDef } from './sms-templates';

/** The port every SMS provider adapter implements (Aliyun, Tencent, and the outbox for development). */
export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

export type OutgoingSms = {
  messageId: string;
  phone: string;
  templateKey: string;
  template: SmsTemplateDef;
  params: SmsParams;
  /** The rendered text, for providers that store it (outbox). */
  body: string;
};

export interface SmsProvider {
  readonly name: string;
  /** Sends one message; resolves with the provider's id for delivery receipts, throws on failure. */
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

/** The clock the notification rules read (quiet hours, rate windows); tests replace it. */
export const SMS_CLOCK = Symbol('SMS_CLOCK');
export type SmsClock = { now(): Date };
