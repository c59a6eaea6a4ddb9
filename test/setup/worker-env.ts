import { assertTestDatabaseName, BASE_TEST_ENV, workerDatabaseName } from './test-env';

// Runs before each test file: this worker's database and queue prefix, never anyone else's.
const workerId = process.env.JEST_WORKER_ID ?? '1';
Object.assign(process.env, BASE_TEST_ENV, {
  DB_NAME: workerDatabaseName(workerId),
  QUEUE_PREFIX: `vctest${workerId}`,
});
assertTestDatabaseName(process.env.DB_NAME as string);
