import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../../src/config/database.config';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { assertTestDatabaseName, BASE_TEST_ENV, TEST_DB_BASE } from '../setup/test-env';

/** Every migration goes up, down and up again, on a database of its own. */
describe('Migrations (e2e)', () => {
  const name = `${TEST_DB_BASE}_migrations`;
  let ds: DataSource;

  beforeAll(async () => {
    assertTestDatabaseName(name);
    const admin = await createConnection({ host: BASE_TEST_ENV.DB_HOST, port: Number(BASE_TEST_ENV.DB_PORT), user: BASE_TEST_ENV.DB_USER, password: BASE_TEST_ENV.DB_PASSWORD });
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    ds = await new DataSource(buildDataSourceOptions(readDatabaseConfig({ ...BASE_TEST_ENV, DB_NAME: name }))).initialize();
  });
  afterAll(async () => {
    await ds.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await ds.destroy();
  });

  const tables = async () => (await ds.query('SHOW TABLES') as Array<Record<string, string>>).map((r) => Object.values(r)[0]).sort();

  it('should apply every migration, revert each one, and apply them again', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBe(ds.migrations.length);
    const full = await tables();
    expect(full).toEqual(expect.arrayContaining(['commerce_point', 'outbox_event', 'audit_log', 'staff_user']));

    for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(['migrations']);

    await ds.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual(full);
  });
});
