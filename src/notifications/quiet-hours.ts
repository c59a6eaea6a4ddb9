/** Asia/Shanghai has no daylight saving: local time is UTC+8 all year. */
const SHANGHAI_OFFSET_MIN = 8 * 60;
const DAY_MIN = 24 * 60;

export type QuietHours = { startMinute: number; endMinute: number };

/**
 * When a message created at `now` may go out: `now` itself outside quiet hours, else the end of the
 * quiet window (Asia/Shanghai wall clock). Windows may wrap midnight (21:00–08:00).
 */
export function sendableAt(now: Date, quiet: QuietHours | null): Date {
  if (!quiet || quiet.startMinute === quiet.endMinute) return now;
  const localMs = now.getTime() + SHANGHAI_OFFSET_MIN * 60_000;
  const minuteOfDay = Math.floor(localMs / 60_000) % DAY_MIN;
  const { startMinute: s, endMinute: e } = quiet;
  const inside = s < e ? minuteOfDay >= s && minuteOfDay < e : minuteOfDay >= s || minuteOfDay < e;
  if (!inside) return now;
  const untilEnd = (e - minuteOfDay + DAY_MIN) % DAY_MIN;
  const startOfMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  return new Date(startOfMinute + untilEnd * 60_000);
}
