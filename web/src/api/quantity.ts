import { toBaseUnits } from '../../../src/common/quantity';
import { baseUnitName, quantityText } from './format';

/**
 * A quantity the agent typed in a display unit (2.5 斤, 3 瓶) → whole base units, with the API's own
 * exact conversion (src/common/quantity.ts, no floating point); a Chinese message when it is not a
 * positive number with at most 3 decimals or not a whole number of base units (1.5 枚, 0.001 斤).
 */
export function toBaseQuantity(text: string, unitSizeBase: number, baseUnit: string | null | undefined): { quantityBase: number } | { error: string } {
  const r = toBaseUnits(text, unitSizeBase);
  if (r.ok) return { quantityBase: r.quantityBase };
  if (r.reason === 'NOT_WHOLE_BASE_UNIT') return { error: `必须是整${baseUnitName(baseUnit) || '个'}数` };
  return { error: '请输入大于 0 的数量（最多 3 位小数）' };
}

/** Base units back in a display unit when that is exact to 3 decimals (1250 g at 500 g/斤 → "2.5"), else null. */
export function displayQuantity(base: number, unitSizeBase: number): string | null {
  return (base * 1000) % unitSizeBase === 0 ? String(base / unitSizeBase) : null;
}

/** A line's quantity in the unit it was delivered in ("2.5斤", "4瓶"), or in base units when that is not exact. */
export function lineQuantityText(base: number, line: { unit: string; unitSizeBase: number }, baseUnit: string | null | undefined): string {
  const shown = displayQuantity(base, line.unitSizeBase);
  return shown === null ? quantityText(base, baseUnit) : `${shown}${line.unit}`;
}
