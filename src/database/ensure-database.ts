import { createConnection } from 'mysql2/promise';
import { DatabaseConfig } from '../config/database.config';

/** Creates the configured database if it does not exist yet (utf8mb4, works on MariaDB and MySQL 8). */
export async function ensureDatabase(db: DatabaseConfig): Promise<void> {
  const conn = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}
