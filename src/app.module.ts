import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthModule } from './auth/auth.module';
import { AuthConfig } from './config';
import { CoreModule } from './core.module';
import { HealthModule } from './health/health.module';
import { OrganizationModule } from './organization/organization.module';
import { ParcelsModule } from './parcels/parcels.module';
import { UsersModule } from './users/users.module';

/** The HTTP API. Queue processors and timed jobs live in WorkerModule. */
@Module({
  imports: [
    CoreModule,
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => [
        // Applied only where ThrottlerGuard is used (login, refresh): per client IP per minute.
        { name: 'auth', ttl: 60_000, limit: config.getOrThrow<AuthConfig>('auth').authRateLimitPerMinute },
      ],
    }),
    AuthModule,
    HealthModule,
    OrganizationModule,
    ParcelsModule,
    UsersModule,
  ],
})
export class AppModule {}
