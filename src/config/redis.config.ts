import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class RedisEnv {
  @IsOptional() @IsString()
  REDIS_HOST?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65535)
  REDIS_PORT?: number;

  @IsOptional() @IsString()
  REDIS_PASSWORD?: string;

  @IsOptional() @Matches(/^[A-Za-z0-9_:-]{1,64}$/)
  QUEUE_PREFIX?: string;
}

export type RedisConfig = { host: string; port: number; password?: string; queuePrefix: string };

export const redisConfig = registerAs('redis', (): RedisConfig => {
  const v = validateConfig(process.env, RedisEnv);
  return {
    host: v.REDIS_HOST ?? '127.0.0.1',
    port: v.REDIS_PORT ?? 6379,
    password: v.REDIS_PASSWORD || undefined,
    queuePrefix: v.QUEUE_PREFIX ?? 'vc',
  };
});
