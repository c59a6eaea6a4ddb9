import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../config/database.config';
import { loadEnvFile } from '../config/load-env-file';
import { buildDataSourceOptions } from '../database/data-source-options';
import { ensureDatabase } from '../database/ensure-database';

/** Creates the database if missing and runs pending migrations (npm start, npm run demo, docker). */
async function main(): Promise<void> {
  loadEnvFile();
  const db = readDatabaseConfig();
  await ensureDatabase(db);
  const ds = await new DataSource(buildDataSourceOptions(db)).initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    // eslint-disable-next-line no-console
    console.log(`database ${db.name}: ${ran.length} migration(s) applied`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: Error) => {
  // eslint-disable-next-line no-console
  console.error(`migration failed: ${err.message}`);
  process.exit(1);
});
