import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { createSecretKey } from 'crypto';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { SharedThrottlerStorage } from '../common/rate-limit/shared-throttler-storage';
import { AuthConfig } from '../config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { PrincipalLoader } from './principal-loader.service';
import { TokenService } from './token.service';

/** Login, tokens and the global guard. Global so the farmers module can reuse TokenService later. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [ConfigService, SharedThrottlerStorage],
      useFactory: (config: ConfigService, storage: SharedThrottlerStorage) => ({
        // Applied only where ThrottlerGuard is used (login, refresh): per client IP per minute, counted in
        // Redis, so the limit holds across API processes and servers.
        throttlers: [{ name: 'auth', ttl: 60_000, limit: config.getOrThrow<AuthConfig>('auth').authRateLimitPerMinute }],
        storage,
      }),
    }),
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        // A KeyObject, built once: given a string, jsonwebtoken first tries (and fails) to parse it
        // as a public key on every verify, which costs more than the HMAC itself.
        const key = createSecretKey(Buffer.from(config.getOrThrow<AuthConfig>('auth').jwtSecret));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokenService, PrincipalLoader, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, PrincipalLoader],
})
export class AuthModule {}
