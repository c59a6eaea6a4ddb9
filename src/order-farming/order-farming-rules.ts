import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { ConversionResult, toBaseUnits } from '../common/quantity';

/** Largest value of the INT UNSIGNED quantity columns of orders and pledges. */
const MAX_QUANTITY_BASE = 4_294_967_295;

const QUANTITY_ERRORS: Record<Exclude<ConversionResult, { ok: true }>['reason'], [string, string]> = {
  MALFORMED: ['数量格式不正确', 'quantity is not a decimal number'],
  NOT_POSITIVE: ['数量必须大于 0', 'quantity must be greater than 0'],
  NOT_WHOLE_BASE_UNIT: ['数量换算后不是整数个基本单位', 'quantity does not convert to whole base units'],
  TOO_LARGE: ['数量过大', 'quantity is too large'],
};

/** The catalog's exact conversion to base units (the same codes as intake: QUANTITY_NOT_WHOLE_BASE_UNIT …), or a 422 on `field`. */
export function convertQuantity(quantity: string, baseUnitsPerDisplayUnit: number, field: string): { quantityBase: number; normalized: string } {
  const converted = toBaseUnits(quantity, baseUnitsPerDisplayUnit);
  if (!converted.ok) throw fieldRuleViolation(`QUANTITY_${converted.reason}`, field, ...QUANTITY_ERRORS[converted.reason]);
  if (converted.quantityBase > MAX_QUANTITY_BASE) throw fieldRuleViolation('QUANTITY_TOO_LARGE', field, ...QUANTITY_ERRORS.TOO_LARGE);
  return converted;
}

/** 'YYYY-MM-DD' that names a real day (no 2026-02-30). */
export function isCalendarDay(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/**
 * Delivered and accepted base units per pledge — consignment lines linked to it, voided ones left out —
 * for the pledges whose `pledgeColumn` equals the one `?` parameter (an order's, or a farmer's, pledges).
 * One derived table, joined by `pledge_id` where progress or a farmer's pledge list is read.
 */
export function pledgeDeliveriesSql(pledgeColumn: 'order_id' | 'farmer_id'): string {
  return `SELECT dpd.pledge_id, SUM(cl.quantity_base) AS delivered, SUM(cl.accepted_quantity_base) AS accepted
    FROM demand_pledge_delivery dpd
    JOIN demand_pledge sp ON sp.id = dpd.pledge_id AND sp.${pledgeColumn} = ?
    JOIN consignment_line cl ON cl.id = dpd.consignment_line_id AND cl.status <> 'VOIDED'
    GROUP BY dpd.pledge_id`;
}
