import { ValueTransformer } from 'typeorm';

/**
 * mysql2 is configured to return every BIGINT as a string (bigNumberStrings), so no value is
 * ever silently rounded. Money columns (integer fen) and large counters cross into TypeScript as
 * numbers through this transformer, which refuses anything beyond Number.MAX_SAFE_INTEGER.
 * Identifiers stay strings end to end (they are opaque, never summed).
 */
export function toSafeInteger(value: unknown, what = 'value'): number {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number(String(value));
  if (!Number.isSafeInteger(n)) {
    throw new Error(`${what} is not a safe integer: ${String(value)}`);
  }
  return n;
}

export const bigintNumberTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : toSafeInteger(value)),
};

/** Aggregates (SUM/COUNT) come back from mysql2 as strings or null; convert them in one place. */
export function aggregateToNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return toSafeInteger(value, 'aggregate');
}
