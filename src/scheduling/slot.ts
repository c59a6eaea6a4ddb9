/** A time slot key: the minute the cron fired for, in UTC ('2026-11-23T16:00Z'). */
export function slotKey(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}

export function slotStart(key: string): Date {
  return new Date(`${key.slice(0, 16)}:00.000Z`);
}

/** Bull job id for a slot: enqueueing the same slot from every instance adds one job. */
export const timedJobId = (name: string, key: string) => `timed:${name}:${key}`;
