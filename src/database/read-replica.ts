import { DataSource } from 'typeorm';

/**
 * Runs a read-only query on a read replica when replicas are configured (DB_REPLICA_HOSTS), else
 * on the primary. Only for reads that tolerate replication lag of a few seconds — reports, roll-ups,
 * lists shown to people — never for a read that decides a write (idempotency lookups, stock,
 * balances before a payout, anything inside a transaction): those stay on the primary, which is
 * TypeORM's default here (data-source-options.ts).
 */
export async function replicaQuery<T = Array<Record<string, unknown>>>(ds: DataSource, sql: string, params: unknown[] = []): Promise<T> {
  const runner = ds.createQueryRunner('slave');
  try {
    return await runner.query(sql, params) as T;
  } finally {
    await runner.release();
  }
}

/** True when reads marked with replicaQuery() go to replicas. */
export const replicasConfigured = (ds: DataSource) => 'replication' in ds.options && !!(ds.options as { replication?: unknown }).replication;
