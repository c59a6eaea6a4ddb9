/** How a column's values are written. */
export type ExportColumnKind = 'text' | 'int' | 'fen' | 'date' | 'datetime' | 'percent';

/**
 * One column of an export. `header` is Chinese (what users read). Values by kind:
 * - `text`: string (null → empty); `labels` maps stored codes to Chinese (e.g. `PAID` → 已支付)
 * - `int`: safe integer (quantities in base units, counts)
 * - `fen`: integer fen; written as TWO columns, `<header>（元）` in yuan with two decimals and
 *   `<header>（分）` with the exact integer, so nothing is lost to rounding
 * - `date`: 'YYYY-MM-DD' string (business day) or a Date (its Asia/Shanghai day)
 * - `datetime`: Date (or ISO string), shown in Asia/Shanghai time
 * - `percent`: a fraction (0.125 = 12.50 %)
 */
export type ExportColumn = {
  key: string;
  header: string;
  kind: ExportColumnKind;
  labels?: Record<string, string>;
};

export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'xlsx'];

/** A row of an export: column key → value. */
export type ExportRow = Record<string, unknown>;
