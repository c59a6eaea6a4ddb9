import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { validateConfig } from './validate-config';

class AuthEnv {
  // No default: a signing secret must be chosen per deployment (.env.example has a dev value).
  @IsString() @MinLength(32)
  JWT_SECRET!: string;

  @IsOptional() @IsInt() @Min(30) @Max(86400)
  ACCESS_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(3600) @Max(90 * 86400)
  REFRESH_TOKEN_TTL_SECONDS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1000)
  AUTH_RATE_LIMIT_PER_MINUTE?: number;

  // How long an API process reuses a staff member's loaded role and assignments (0 = never).
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  AUTH_PRINCIPAL_CACHE_MS?: number;
}

export type AuthConfig = {
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authRateLimitPerMinute: number;
  principalCacheMs: number;
};

export const authConfig = registerAs('auth', (): AuthConfig => {
  const v = validateConfig(process.env, AuthEnv);
  return {
    jwtSecret: v.JWT_SECRET,
    accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS ?? 900,
    refreshTokenTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS ?? 30 * 86400,
    authRateLimitPerMinute: v.AUTH_RATE_LIMIT_PER_MINUTE ?? 20,
    principalCacheMs: v.AUTH_PRINCIPAL_CACHE_MS ?? 2000,
  };
});
