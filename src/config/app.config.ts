import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class AppEnv {
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
}

export type AppConfig = {
  nodeEnv: string;
  port: number;
  corsOrigins: string[];
  bodyLimit: string;
  logLevel: string;
  businessTimezone: string;
};

export const appConfig = registerAs('app', (): AppConfig => {
  const env = validateConfig(process.env, AppEnv);
  return {
    nodeEnv: env.NODE_ENV ?? 'development',
    port: env.PORT ?? 3000,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimit: env.BODY_LIMIT ?? '2mb',
    logLevel: env.LOG_LEVEL ?? 'info',
    businessTimezone: env.BUSINESS_TIMEZONE ?? 'Asia/Shanghai',
  };
});
