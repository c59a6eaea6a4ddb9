import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

/** Worker entry point: queue processors, the outbox relay and timed jobs, without HTTP. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // eslint-disable-next-line no-console
  console.log('worker started');
}

bootstrap().catch((err: Error) => {
  // eslint-disable-next-line no-console
  console.error(err.message);
  process.exit(1);
});
