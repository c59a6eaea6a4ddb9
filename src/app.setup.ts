import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config';
import { serveWebApp } from './web-app/serve-web-app';

/** Options for NestFactory.create: our own body parsers (with the configured limit). */
/** rawBody: signed SMS webhooks verify an HMAC of the exact bytes received (req.rawBody). */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true, rawBody: true };

/**
 * Everything global about the HTTP app, shared by main.ts and the e2e tests so both behave alike.
 */
export function configureApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  app.useLogger(app.get(Logger));
  express.useBodyParser('json', { limit: config.bodyLimit });
  express.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  express.useBodyParser('text', { limit: config.bodyLimit, type: ['text/csv', 'text/plain'] });
  express.set('trust proxy', 'loopback');
  app.use(helmet({ contentSecurityPolicy: false }));
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  serveWebApp(express);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/ready', 'admin/queues', 'admin/queues/*path'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const doc = new DocumentBuilder()
    .setTitle('村级商务服务点后台 Village commerce back office')
    .setDescription('交售、质检、批次、仓储、农户结算、快递站点。金额单位：分 (integer fen)；数量：基本单位。')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}
