/** Integer fen (分). The brand stops a yuan or a float from passing for money by accident. */
export type Fen = number & { readonly __unit: 'fen' };

export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`fen must be a safe integer, got ${value}`);
  return value as Fen;
}

export function addFen(...values: number[]): Fen {
  return fen(values.reduce((sum, v) => sum + fen(v), 0));
}

/**
 * price (fen per unit) × quantity, where the price is per `unitSize` base units (e.g. fen per 斤
 * = per 500 g). Rounds half up exactly once, in integer arithmetic (BigInt so nothing overflows).
 */
export function lineAmountFen(priceFenPerUnit: number, quantityBase: number, unitSize: number): Fen {
  if (!Number.isSafeInteger(quantityBase) || !Number.isSafeInteger(unitSize) || unitSize <= 0) {
    throw new RangeError('quantity and unit size must be safe integers');
  }
  const numerator = BigInt(fen(priceFenPerUnit)) * BigInt(quantityBase);
  const denominator = BigInt(unitSize);
  const sign = numerator < 0n ? -1n : 1n;
  const abs = numerator < 0n ? -numerator : numerator;
  const rounded = (abs * 2n + denominator) / (denominator * 2n);
  return fen(Number(sign * rounded));
}

/** Yuan with two decimals, only for presentation (SMS text, exports). Integer arithmetic, no floats. */
export function formatYuan(amount: number): string {
  const v = fen(amount);
  const sign = v < 0 ? '-' : '';
  const abs = Math.abs(v);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * `basisPoints` / 10,000 of an amount (1 bp = 0.01 %), rounded half up (away from zero for
 * negatives) exactly once, in BigInt arithmetic. Commission and collective shares use it.
 */
export function percentOfFen(amount: number, basisPoints: number): Fen {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) throw new RangeError('basis points must be a non-negative safe integer');
  return lineAmountFen(amount, basisPoints, 10_000);
}
