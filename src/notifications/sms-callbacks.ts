import { createHash, createHmac, timingSafeEqual } from 'crypto';
import { SmsProviderName } from '../config';

/**
 * What the SMS webhooks verify, per provider:
 * - `outbox` (development / our own gateway): header `X-Sms-Signature: <hex HMAC-SHA256 of the raw
 *   request body, keyed with SMS_WEBHOOK_SECRET>`.
 * - `aliyun`, `tencent`: neither documents a signature on its HTTP callbacks (Aliyun SmsUp/SmsReport
 *   HTTP batch push and Tencent's reply/status callbacks are plain JSON), so the callback URL
 *   configured in their consoles carries `?token=<callbackToken(secret, provider)>`, compared in
 *   constant time. That proves only knowledge of the URL: keep it secret and serve it over HTTPS.
 */
export const SIGNATURE_HEADER = 'x-sms-signature';

export const callbackToken = (secret: string, provider: string) =>
  createHmac('sha256', secret).update(`sms-callback:${provider}`).digest('hex').slice(0, 40);

export const signBody = (secret: string, rawBody: Buffer | string) => createHmac('sha256', secret).update(rawBody).digest('hex');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function verifyCallback(provider: SmsProviderName, secret: string, req: { rawBody?: Buffer; signature?: string; token?: string }): boolean {
  if (provider === 'outbox') return !!req.rawBody && !!req.signature && sameText(req.signature.toLowerCase(), signBody(secret, req.rawBody));
  return !!req.token && sameText(req.token, callbackToken(secret, provider));
}

export type InboundSms = { id: string; phone: string; text: string };
export type DeliveryReceipt = { providerMessageId: string; delivered: boolean; error: string | null };

const list = (body: unknown): Array<Record<string, unknown>> => (Array.isArray(body) ? body : body && typeof body === 'object' ? [body as Record<string, unknown>] : []);
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
/** Mainland mobile without +86 / 86. */
const mobile = (v: unknown) => str(v).replace(/^\+?86/, '');

/** Incoming SMS in each provider's format (Tencent sends no id: the id is a hash of phone, time and text). */
export function parseInbound(provider: SmsProviderName, body: unknown): InboundSms[] {
  return list(body).map((m) => {
    if (provider === 'aliyun') return { id: str(m.sequence_id), phone: mobile(m.phone_number), text: str(m.content) };
    if (provider === 'tencent') {
      const id = createHash('sha256').update(`${str(m.mobile)}:${str(m.time)}:${str(m.text)}`).digest('hex').slice(0, 32);
      return { id, phone: mobile(m.mobile), text: str(m.text) };
    }
    return { id: str(m.id), phone: mobile(m.phone), text: str(m.text) };
  }).filter((m) => m.id && m.phone);
}

/** Delivery receipts in each provider's format, keyed by the id the provider returned at send time. */
export function parseReceipts(provider: SmsProviderName, body: unknown): DeliveryReceipt[] {
  return list(body).map((r) => {
    if (provider === 'aliyun') return { providerMessageId: str(r.biz_id), delivered: r.success === true || r.success === 'true', error: str(r.err_code) || null };
    if (provider === 'tencent') return { providerMessageId: str(r.sid), delivered: str(r.report_status) === 'SUCCESS', error: str(r.errmsg) || null };
    return { providerMessageId: str(r.providerMessageId), delivered: r.delivered === true, error: str(r.error) || null };
  }).filter((r) => r.providerMessageId);
}

/** The answer each provider expects (anything else makes it retry). */
export function callbackAck(provider: SmsProviderName, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (provider === 'aliyun') return { code: 0, msg: '接收成功' };
  if (provider === 'tencent') return { result: 0, errmsg: 'OK' };
  return { ok: true, ...extra };
}

/** Longest text that fits two SMS segments with the sign name (a long SMS is 67 characters a segment). */
export function fitTwoSegments(text: string, signName: string): string {
  const max = 2 * 67 - (signName.length + 2);
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
