import { BullModule } from '@nestjs/bull';
import { Module, RequestMethod } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { AppConfig, DatabaseConfig, RedisConfig, allConfigs } from './config';
import { buildDataSourceOptions } from './database/data-source-options';
import { AuditModule } from './audit/audit.module';
import { OutboxModule } from './outbox/outbox.module';
import { SchedulingModule } from './scheduling/scheduling.module';

/**
 * Infrastructure shared by the API and the worker: validated config, JSON logs with request ids,
 * the database, Bull on Redis, the outbox, the audit log and the timed-job registry.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, load: allConfigs }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.getOrThrow<AppConfig>('app').logLevel,
          // A request id in every log line and in the X-Request-Id response header.
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const incoming = req.headers['x-request-id'];
            const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.password', 'req.body.refreshToken'],
          customProps: () => ({ service: 'village-commerce' }),
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
        },
      }),
    }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        ...buildDataSourceOptions(config.getOrThrow<DatabaseConfig>('database')),
        autoLoadEntities: false,
      }),
    }),
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const redis = config.getOrThrow<RedisConfig>('redis');
        return {
          redis: { host: redis.host, port: redis.port, password: redis.password },
          prefix: redis.queuePrefix,
        };
      },
    }),
    OutboxModule,
    AuditModule,
    SchedulingModule,
  ],
  exports: [OutboxModule, AuditModule, SchedulingModule],
})
export class CoreModule {}
