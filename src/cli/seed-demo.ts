import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/load-env-file';
import { buildDataSourceOptions } from '../database/data-source-options';
import { DEMO_PASSWORD, loadDemoData } from '../demo/demo-data';

/** Loads the demo organization and prints the demo logins. Safe to run any number of times. */
async function main(): Promise<void> {
  loadEnvFile();
  const ds = await new DataSource(buildDataSourceOptions()).initialize();
  try {
    const logins = await loadDemoData(ds);
    /* eslint-disable no-console */
    console.log('\n演示账号 Demo logins (password for all: ' + DEMO_PASSWORD + ')');
    console.table(logins.map((l) => ({ username: l.username, role: l.role, scope: l.scope })));
    /* eslint-enable no-console */
  } finally {
    await ds.destroy();
  }
}

main().catch((err: Error) => {
  // eslint-disable-next-line no-console
  console.error(`demo data failed: ${err.message}`);
  process.exit(1);
});
