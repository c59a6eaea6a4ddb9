import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../../src/config/database.config';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { assertTestDatabaseName, BASE_TEST_ENV, TEST_WORKER_SLOTS, workerDatabaseName } from './test-env';
import { createConnection } from 'mysql2/promise';
import { ensureWebAppBuilt } from '../support/web-build';

/**
 * Recreates one database per jest worker and migrates it, in parallel. Every run starts from
 * empty databases; test files never share a database at the same moment.
 */
export default async function globalSetup(): Promise<void> {
  ensureWebAppBuilt();
  const names = Array.from({ length: TEST_WORKER_SLOTS }, (_, i) => workerDatabaseName(i + 1));
  names.forEach(assertTestDatabaseName);
  const admin = await createConnection({
    host: BASE_TEST_ENV.DB_HOST, port: Number(BASE_TEST_ENV.DB_PORT), user: BASE_TEST_ENV.DB_USER, password: BASE_TEST_ENV.DB_PASSWORD,
  });
  try {
    for (const name of names) {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  } finally {
    await admin.end();
  }
  await Promise.all(names.map(async (name) => {
    const db = readDatabaseConfig({ ...BASE_TEST_ENV, DB_NAME: name });
    const ds = await new DataSource(buildDataSourceOptions(db)).initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  }));
}
