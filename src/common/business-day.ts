/**
 * Business days (receipt numbers, daily figures) are Asia/Shanghai calendar days, while every
 * timestamp is stored in UTC. China has no daylight saving, so the offset is a constant +08:00.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** 'YYYY-MM-DD' of the Asia/Shanghai day containing the instant. */
export function businessDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** UTC instants [start, end) of an Asia/Shanghai business day 'YYYY-MM-DD'. */
export function businessDayRange(day: string): { start: Date; end: Date } {
  const start = new Date(Date.parse(`${day}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
  return { start, end: new Date(start.getTime() + 86400 * 1000) };
}
