import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../src/queues/queue-names';
import { WorkerModule } from '../../src/worker.module';

/**
 * The real worker (outbox relay, domain-event processor, timed jobs) in this test process, against
 * this jest worker's database and Redis prefix. Use `drainEvents` to wait until every committed
 * event has been relayed and handled — no sleeping, no fake queue.
 */
export async function startWorker(): Promise<INestApplicationContext> {
  const ctx = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
  await ctx.init();
  return ctx;
}

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
