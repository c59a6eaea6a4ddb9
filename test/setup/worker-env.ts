import { assertTestDatabaseName, BASE_TEST_ENV, TEST_DB_BASE, workerDatabaseName } from './test-env';

// Runs before each test file: this worker's database and queue prefix, never anyone else's.
const workerId = process.env.JEST_WORKER_ID ?? '1';
Object.assign(process.env, BASE_TEST_ENV, {
  DB_NAME: workerDatabaseName(workerId),
  // Queues are prefixed like the database, so concurrent test runs (TEST_DB_BASE=…) never meet.
  QUEUE_PREFIX: `${TEST_DB_BASE}_${workerId}`,
});
assertTestDatabaseName(process.env.DB_NAME as string);
