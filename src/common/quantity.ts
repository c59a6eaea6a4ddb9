/**
 * Quantities are integers in a product's base unit (piece, gram, jar). Agents type them in a
 * display unit (2.5 斤); the conversion is exact integer arithmetic: a value with up to 3 decimals
 * times the unit's size in base units must come out whole, or it is an input error (1.5 枚).
 */
export const QUANTITY_PATTERN = /^(0|[1-9]\d{0,8})(\.\d{1,3})?$/;

export type QuantityInput = string | number;

/** Canonical decimal text of a quantity (`2.50` → `2.5`), or null if it is not a plain decimal. */
export function normalizeQuantity(input: QuantityInput): string | null {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input.trim();
  if (!QUANTITY_PATTERN.test(text)) return null;
  const [whole, frac = ''] = text.split('.');
  const trimmed = frac.replace(/0+$/, '');
  return trimmed ? `${whole}.${trimmed}` : whole;
}

export type ConversionResult =
  | { ok: true; quantityBase: number; normalized: string }
  | { ok: false; reason: 'MALFORMED' | 'NOT_POSITIVE' | 'NOT_WHOLE_BASE_UNIT' | 'TOO_LARGE' };

/** quantity (display units) × baseUnitsPerDisplayUnit, exactly; whole base units only. */
export function toBaseUnits(input: QuantityInput, baseUnitsPerDisplayUnit: number): ConversionResult {
  if (!Number.isSafeInteger(baseUnitsPerDisplayUnit) || baseUnitsPerDisplayUnit <= 0) {
    throw new RangeError('baseUnitsPerDisplayUnit must be a positive integer');
  }
  const normalized = normalizeQuantity(input);
  if (normalized === null) return { ok: false, reason: 'MALFORMED' };
  const [whole, frac = ''] = normalized.split('.');
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt(whole) * scale + (frac ? BigInt(frac) : 0n);
  if (scaled === 0n) return { ok: false, reason: 'NOT_POSITIVE' };
  const product = scaled * BigInt(baseUnitsPerDisplayUnit);
  if (product % scale !== 0n) return { ok: false, reason: 'NOT_WHOLE_BASE_UNIT' };
  const base = product / scale;
  if (base > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'TOO_LARGE' };
  return { ok: true, quantityBase: Number(base), normalized };
}
