import { join } from 'path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig, readDatabaseConfig } from '../config/database.config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The ONE source of TypeORM connection options, used by the app (TypeOrmModule), the migration
 * CLI (data-source.ts), the seed scripts and the tests.
 */
export function buildDataSourceOptions(db: DatabaseConfig = readDatabaseConfig()): DataSourceOptions {
  const root = join(__dirname, '..', '..');
  return {
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.name,
    // Off unless DB_REPLICA_HOSTS is set. Everything still reads the primary by default
    // (defaultMode 'master': read-your-writes for idempotency lookups, locks and checks); only the
    // report and list reads marked with replicaQuery() (read-replica.ts) go to a replica.
    ...(db.replicas.length ? {
      replication: {
        master: { host: db.host, port: db.port, username: db.user, password: db.password, database: db.name },
        slaves: db.replicas.map((r) => ({ host: r.host, port: r.port, username: db.replicaUser, password: db.replicaPassword, database: db.name })),
        defaultMode: 'master' as const,
        selector: 'RR' as const,
        canRetry: true,
        restoreNodeTimeout: 5_000,
      },
    } : {}),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // Every BIGINT comes back as a string; see transformers/bigint.transformer.ts.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: false,
    poolSize: db.poolSize,
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [join(root, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: {
      // Keep the session in UTC whatever the server default is.
      timezone: 'Z',
      // mysql2 otherwise captures a stack trace for every query (Error.captureStackTrace), ~3 % of an
      // intake request's CPU; TypeORM's QueryFailedError still carries the async stack of the caller.
      trace: false,
    },
  };
}
