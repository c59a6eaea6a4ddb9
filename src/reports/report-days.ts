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
 * How to read [from, to] from day and month rows with the fewest rows: whole months from month rows;
 * a partial month either from its day rows (`plusDays`), or — when more than half of it is covered —
 * as its month row minus the day rows outside the range (`minusDays`). Every measure is a sum, so a
 * year costs about 12 month rows and a few days instead of 365 day rows.
 */
export function rangePlan(from: string, to: string): { months: string[]; plusDays: Array<[string, string]>; minusDays: Array<[string, string]> } {
  const months: string[] = [];
  const plusDays: Array<[string, string]> = [];
  const minusDays: Array<[string, string]> = [];
  let cursor = from;
  while (cursor <= to) {
    const first = monthStart(cursor);
    const last = monthEnd(cursor);
    const segEnd = last < to ? last : to;
    const covered = daysBetween(cursor, segEnd);
    const length = daysBetween(first, last);
    if (covered === length) {
      months.push(first);
    } else if (length - covered < covered) {
      months.push(first);
      if (cursor > first) minusDays.push([first, addDays(cursor, -1)]);
      if (segEnd < last) minusDays.push([addDays(segEnd, 1), last]);
    } else {
      plusDays.push([cursor, segEnd]);
    }
    cursor = addDays(last, 1);
  }
  return { months, plusDays, minusDays };
}
