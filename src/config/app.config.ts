import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { validateConfig } from './validate-config';

class AppEnv {
  /** Basic-auth credentials of the queue dashboard at /admin/queues; without both it is not served. */
  @IsOptional() @IsString() @MinLength(3) QUEUE_DASHBOARD_USER?: string;
  @IsOptional() @IsString() @MinLength(12) QUEUE_DASHBOARD_PASSWORD?: string;

  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  CORS_ORIGINS?: string;

  @IsOptional() @IsString()
  BODY_LIMIT?: string;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @IsString()
  BUSINESS_TIMEZONE?: string;

  /** `off`: the worker schedules no cron ticks (timed jobs still run when enqueued by hand or by a test). */
  @IsOptional() @IsIn(['on', 'off'])
  TIMED_JOBS_CRON?: string;

  /** API processes sharing the port on this host (one per core serves the most); the worker is separate. */
  @IsOptional() @IsInt() @Min(1) @Max(64)
  API_PROCESSES?: number;
}

export type AppConfig = {
  nodeEnv: string;
  port: number;
  corsOrigins: string[];
  queueDashboard: { user: string; password: string } | null;
  bodyLimit: string;
  logLevel: string;
  businessTimezone: string;
  timedJobsCron: boolean;
  apiProcesses: number;
};

export const appConfig = registerAs('app', (): AppConfig => {
  const env = validateConfig(process.env, AppEnv);
  return {
    nodeEnv: env.NODE_ENV ?? 'development',
    port: env.PORT ?? 3000,
    queueDashboard: env.QUEUE_DASHBOARD_USER && env.QUEUE_DASHBOARD_PASSWORD ? { user: env.QUEUE_DASHBOARD_USER, password: env.QUEUE_DASHBOARD_PASSWORD } : null,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimit: env.BODY_LIMIT ?? '2mb',
    logLevel: env.LOG_LEVEL ?? 'info',
    businessTimezone: env.BUSINESS_TIMEZONE ?? 'Asia/Shanghai',
    timedJobsCron: (env.TIMED_JOBS_CRON ?? 'on') === 'on',
    apiProcesses: env.API_PROCESSES ?? 1,
  };
});
