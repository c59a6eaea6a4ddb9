/**
 * Test databases: `<base>_<n>` for jest worker n. The base must end in `_test`; the guard below
 * refuses anything else, so tests can never touch the demo or a real database.
 */
export const TEST_DB_BASE = process.env.TEST_DB_BASE ?? 'village_commerce_test';
export const TEST_WORKER_SLOTS = Number(process.env.JEST_MAX_WORKERS ?? 2) + 1;

export function assertTestDatabaseName(name: string): void {
  if (!/_test(_\d+|_[a-z]+)?$/.test(name)) {
    throw new Error(`Refusing to run tests against database "${name}": its name must mark it as a test database (…_test).`);
  }
}

export function workerDatabaseName(workerId: string | number): string {
  return `${TEST_DB_BASE}_${workerId}`;
}

/** Settings every test process uses; each worker then picks its own database and queue prefix. */
export const BASE_TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DB_HOST: process.env.DB_HOST ?? '127.0.0.1',
  DB_PORT: process.env.DB_PORT ?? '3306',
  DB_USER: process.env.DB_USER ?? 'root',
  DB_PASSWORD: process.env.DB_PASSWORD ?? '',
  REDIS_HOST: process.env.REDIS_HOST ?? '127.0.0.1',
  REDIS_PORT: process.env.REDIS_PORT ?? '6379',
  JWT_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
  // Test-only field keys (base64 of 32 bytes); never used anywhere else.
  FIELD_ENCRYPTION_KEY: 'dGVzdC1maWVsZC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=',
  BLIND_INDEX_KEY: 'dGVzdC1ibGluZC1pbmRleC1rZXktMDEyMzQ1Njc4OWE=',
  LOG_LEVEL: 'warn',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000',
  DB_POOL_SIZE: '10',
  SMS_WEBHOOK_SECRET: 'test-sms-webhook-secret-0123456789',
  QUEUE_DASHBOARD_USER: 'queues-admin',
  QUEUE_DASHBOARD_PASSWORD: 'test-queue-dashboard-password',
  SMS_SEND_ATTEMPTS: '3',
  SMS_BACKOFF_MS: '20',
  // Quiet hours are tested with a fixed clock; off here so other tests are independent of the hour.
  SMS_QUIET_HOURS: 'off',
  // Timed jobs are run by slot in the tests that cover them; no wall-clock ticks in between.
  TIMED_JOBS_CRON: 'off',
  SMS_RATE_PER_MINUTE: '1000',
  SMS_RATE_PER_HOUR: '1000',
  SMS_RATE_PER_DAY: '1000',
};
