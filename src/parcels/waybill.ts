import { ErrorDetail } from '../common/errors/domain-error';

/** Carriers publish no formats: a waybill is any 8–20 letters and digits, stored upper-cased. */
export const WAYBILL = /^[A-Za-z0-9]{8,20}$/;

/** A carrier code as sent by clients (case-insensitive). */
export const CARRIER_CODE = /^[A-Za-z][A-Za-z0-9]{1,15}$/;

/** A client-generated id that makes a retried create idempotent. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function normalizeWaybill(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * A warning (never a refusal) when a waybill does not look like the carrier's usual numbers:
 * carriers change formats without notice, and a real scan must always be accepted.
 */
export function waybillHintWarning(carrier: { code: string; waybillHint: string | null }, waybillNo: string): ErrorDetail | null {
  if (!carrier.waybillHint) return null;
  let pattern: RegExp;
  try {
    pattern = new RegExp(carrier.waybillHint);
  } catch {
    return null;
  }
  return pattern.test(waybillNo) ? null : waybillHintMismatch(carrier.code);
}

/** The warning for a waybill that does not match its carrier's hint (callers that compiled the hint themselves). */
export function waybillHintMismatch(carrierCode: string): ErrorDetail {
  return {
    field: 'waybillNo',
    message: `运单号不像${carrierCode}的常见格式，请核对`,
    messageEn: `waybill does not look like a usual ${carrierCode} number; please check`,
  };
}
