/** Calendar arithmetic on 'YYYY-MM-DD' business days (plain dates, no time zone involved). */
const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day: string, n: number): string => toDay(toMs(day) + n * DAY_MS);

/** Days in [from, to], both included (0 when reversed). */
export const daysBetween = (from: string, to: string): number => Math.max(0, Math.round((toMs(to) - toMs(from)) / DAY_MS) + 1);

export const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;

/** Last day of the month that `day` is in. */
export function monthEnd(day: string): string {
  const d = new Date(toMs(monthStart(day)));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return toDay(d.getTime() - DAY_MS);
}

/** 0 for 1 January … 365 for 31 December of a leap year: the day's bit in a year bitmap. */
export const dayIndexInYear = (day: string): number => Math.round((toMs(day) - toMs(`${day.slice(0, 4)}-01-01`)) / DAY_MS);

export const isValidDay = (day: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(day) && toDay(toMs(day)) === day;

/**
 * [from, to] as whole months (read from month rows) plus the days at either edge (day rows), so a
 * range costs about one row per month instead of one per day.
 */
export function splitRange(from: string, to: string): { months: string[]; dayRanges: Array<[string, string]> } {
  const months: string[] = [];
  const dayRanges: Array<[string, string]> = [];
  let cursor = from;
  while (cursor <= to) {
    const end = monthEnd(cursor);
    if (cursor === monthStart(cursor) && end <= to) {
      months.push(cursor);
    } else {
      dayRanges.push([cursor, end < to ? end : to]);
    }
    cursor = addDays(end, 1);
  }
  return { months, dayRanges };
}
