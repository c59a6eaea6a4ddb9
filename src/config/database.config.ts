import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class DatabaseEnv {
  @IsOptional() @IsString()
  DB_HOST?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65535)
  DB_PORT?: number;

  @IsOptional() @IsString()
  DB_USER?: string;

  @IsOptional() @IsString()
  DB_PASSWORD?: string;

  // Database names are interpolated into CREATE DATABASE, so only plain identifiers pass.
  @IsOptional() @Matches(/^[A-Za-z0-9_]{1,64}$/)
  DB_NAME?: string;

  @IsOptional() @IsInt() @Min(1) @Max(500)
  DB_POOL_SIZE?: number;

  // Read replicas for report and list reads: `host[:port]` separated by commas; empty = none (default).
  @IsOptional() @Matches(/^\s*$|^[A-Za-z0-9.-]{1,253}(:\d{1,5})?(\s*,\s*[A-Za-z0-9.-]{1,253}(:\d{1,5})?)*$/, {
    message: 'DB_REPLICA_HOSTS must be host[:port] separated by commas',
  })
  DB_REPLICA_HOSTS?: string;

  @IsOptional() @IsString()
  DB_REPLICA_USER?: string;

  @IsOptional() @IsString()
  DB_REPLICA_PASSWORD?: string;
}

export type ReplicaHost = { host: string; port: number };

export type DatabaseConfig = {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
  poolSize: number;
  /** read replicas (none unless DB_REPLICA_HOSTS is set) and their credentials (default: the primary's) */
  replicas: ReplicaHost[];
  replicaUser: string;
  replicaPassword: string;
};

/** Reads and validates the database settings; shared by the app, the CLI and the tests. */
export function readDatabaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const v = validateConfig(env, DatabaseEnv);
  return {
    host: v.DB_HOST ?? '127.0.0.1',
    port: v.DB_PORT ?? 3306,
    user: v.DB_USER ?? 'root',
    password: v.DB_PASSWORD ?? '',
    name: v.DB_NAME ?? 'village_commerce',
    poolSize: v.DB_POOL_SIZE ?? 20,
    replicas: parseReplicaHosts(v.DB_REPLICA_HOSTS, v.DB_PORT ?? 3306),
    replicaUser: v.DB_REPLICA_USER ?? v.DB_USER ?? 'root',
    replicaPassword: v.DB_REPLICA_PASSWORD ?? v.DB_PASSWORD ?? '',
  };
}

function parseReplicaHosts(raw: string | undefined, defaultPort: number): ReplicaHost[] {
  if (!raw || !raw.trim()) return [];
  return raw.split(',').map((h) => h.trim()).map((h) => {
    const [host, port] = h.split(':');
    const n = port === undefined ? defaultPort : Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`Invalid configuration (配置错误): DB_REPLICA_HOSTS port of ${h} must be 1-65535`);
    return { host, port: n };
  });
}

export const databaseConfig = registerAs('database', () => readDatabaseConfig());
