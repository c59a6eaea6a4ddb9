import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../src/queues/queue-names';
import { WorkerModule } from '../../src/worker.module';

/**
 * The real worker (outbox relay, domain-event processor, timed jobs) in this test process, against
 * this jest worker's database and Redis prefix. Use `drainEvents` to wait until every committed
 * event has been relayed and handled — no sleeping, no fake queue.
 */
export async function startWorker(
  customize?: (b: TestingModuleBuilder) => TestingModuleBuilder,
  beforeInit?: (ctx: INestApplicationContext) => void,
): Promise<INestApplicationContext> {
  let builder = Test.createTestingModule({ imports: [WorkerModule] });
  if (customize) builder = customize(builder);
  const started = new Date();
  const ctx = await builder.compile();
  beforeInit?.(ctx);
  await ctx.init();
  startedAt.set(ctx, started);
  return ctx;
}

const startedAt = new WeakMap<INestApplicationContext, Date>();

export async function drainEvents(worker: INestApplicationContext, timeoutMs = 20000): Promise<void> {
  const ds = worker.get(DataSource);
  const queue = worker.get<Queue>(getQueueToken(QUEUES.DOMAIN_EVENTS));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ pending }] = await ds.query(`SELECT COUNT(*) AS pending FROM outbox_event WHERE status = 'PENDING'`);
    const counts = await queue.getJobCounts();
    if (Number(pending) === 0 && counts.waiting + counts.active + counts.delayed === 0) {
      if (counts.failed > 0) {
        const failed = await queue.getFailed(0, 0);
        throw new Error(`a domain event handler failed: ${failed[0]?.failedReason}`);
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`events not drained: ${pending} pending, ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until every committed event is handled and every SMS that may go now has been sent or has
 * given up: nothing waiting or running on the SMS queue and no message PENDING or RETRYING.
 * Messages deferred to later (quiet hours, rate limits) stay SCHEDULED as delayed jobs.
 */
export async function drainSms(worker: INestApplicationContext, timeoutMs = 20000): Promise<void> {
  await drainEvents(worker, timeoutMs);
  const ds = worker.get(DataSource);
  const queue = worker.get<Queue>(getQueueToken(QUEUES.SMS));
  const deadline = Date.now() + timeoutMs;
  // Only this worker's messages: earlier test files on the same database may have left rows whose
  // jobs were cleared with their queue, and those will never be sent.
  const since = new Date((startedAt.get(worker) ?? new Date(0)).getTime() - 1000);
  for (;;) {
    const [{ open }] = await ds.query(`SELECT COUNT(*) AS open FROM sms_message WHERE status IN ('PENDING', 'RETRYING') AND created_at >= ?`, [since]);
    const counts = await queue.getJobCounts();
    if (Number(open) === 0 && counts.waiting + counts.active === 0) return;
    if (Date.now() > deadline) throw new Error(`sms not drained: ${open} open, ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
