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
}

export type DatabaseConfig = {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
  poolSize: number;
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
  };
}

export const databaseConfig = registerAs('database', () => readDatabaseConfig());
