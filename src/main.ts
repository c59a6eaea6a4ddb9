import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { superviseApiProcesses, servesHttp } from './api-processes';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp } from './app.setup';
import { AppConfig } from './config';
import { appConfig } from './config/app.config';
import { loadEnvFile } from './config/load-env-file';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, APP_OPTIONS);
  configureApp(app);
  const { port } = app.get(ConfigService).getOrThrow<AppConfig>('app');
  await app.listen(port);
  // eslint-disable-next-line no-console
  console.log(`API listening on http://127.0.0.1:${port}/api/v1 — docs at http://127.0.0.1:${port}/docs — web app at http://127.0.0.1:${port}/app/ (pid ${process.pid})`);
}

async function main(): Promise<void> {
  loadEnvFile();
  // validated here too, so that a bad API_PROCESSES stops the primary, naming it, before anything is forked
  const { apiProcesses } = appConfig();
  if (servesHttp(apiProcesses)) await bootstrap();
  else superviseApiProcesses(apiProcesses);
}

main().catch((err: Error) => {
  // eslint-disable-next-line no-console
  console.error(err.message);
  process.exit(1);
});
