import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp } from '../../src/app.setup';
import { QUEUES } from '../../src/queues/queue-names';

export type TestApp = {
  app: INestApplication;
  dataSource: DataSource;
  http: ReturnType<INestApplication['getHttpServer']>;
  close: () => Promise<void>;
};

/**
 * Boots the real AppModule against this worker's real database and Redis, with the same
 * configureApp() as main.ts. `customize` may override providers (e.g. an SMS provider fake).
 */
export async function createTestApp(customize?: (b: TestingModuleBuilder) => TestingModuleBuilder): Promise<TestApp> {
  let builder = Test.createTestingModule({ imports: [AppModule] });
  if (customize) builder = customize(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(APP_OPTIONS);
  configureApp(app);
  await app.init();
  const dataSource = app.get(DataSource);
  // Each file starts with an empty event queue for its worker's prefix.
  await app.get<Queue>(getQueueToken(QUEUES.DOMAIN_EVENTS)).obliterate({ force: true });
  await app.get<Queue>(getQueueToken(QUEUES.SMS)).obliterate({ force: true });
  // Payout job ids are `payout:<id>`; ids restart with each recreated test database.
  await app.get<Queue>(getQueueToken(QUEUES.PAYOUTS)).obliterate({ force: true });
  return { app, dataSource, http: app.getHttpServer(), close: () => app.close() };
}
