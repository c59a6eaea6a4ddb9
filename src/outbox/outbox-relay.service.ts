import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { OutboxConfig } from '../config';
import { DomainEventJob, outboxJobId, QUEUES } from '../queues/queue-names';
import { OutboxEventEntity, OutboxStatus } from './outbox-event.entity';

/**
 * Moves pending outbox rows to the Bull queue. Rows are claimed with FOR UPDATE SKIP LOCKED so
 * several workers can relay side by side. If Redis is down the add fails (or times out), the
 * transaction rolls back and the rows stay pending: an outage delays events and loses none.
 * A row relayed twice (crash between add and commit) is harmless: the job id is the outbox id.
 */
@Injectable()
export class OutboxRelayService {
  private readonly logger = new Logger(OutboxRelayService.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.DOMAIN_EVENTS) private readonly queue: Queue<DomainEventJob>,
    private readonly config: ConfigService,
  ) {}

  /** Relays one batch of pending events; returns how many were handed to the queue. */
  async relayPending(): Promise<number> {
    const { relayBatchSize, queueTimeoutMs } = this.config.getOrThrow<OutboxConfig>('outbox');
    try {
      return await this.dataSource.transaction(async (em) => {
        const rows = await em
          .getRepository(OutboxEventEntity)
          .createQueryBuilder('e')
          .where('e.status = :status', { status: OutboxStatus.PENDING })
          .orderBy('e.id', 'ASC')
          .limit(relayBatchSize)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        if (rows.length === 0) return 0;
        await withTimeout(this.queue.addBulk(rows.map((row) => toJob(row))), queueTimeoutMs);
        await em
          .createQueryBuilder()
          .update(OutboxEventEntity)
          .set({ status: OutboxStatus.SENT, sentAt: () => 'CURRENT_TIMESTAMP(3)' })
          .whereInIds(rows.map((r) => r.id))
          .execute();
        return rows.length;
      });
    } catch (err) {
      await this.recordFailure(err as Error);
      return 0;
    }
  }

  /** Notes the failure on the oldest pending rows so operators can see why events wait. */
  private async recordFailure(err: Error): Promise<void> {
    this.logger.warn({ err: err.message }, 'outbox relay failed; events stay pending');
    try {
      await this.dataSource.query(
        `UPDATE outbox_event SET relay_attempts = relay_attempts + 1, last_error = ?
         WHERE status = ? ORDER BY id LIMIT 50`,
        [err.message.slice(0, 500), OutboxStatus.PENDING],
      );
    } catch {
      // The database may be the thing that is down; the next relay pass tries again.
    }
  }
}

function toJob(row: OutboxEventEntity) {
  const data: DomainEventJob = {
    outboxId: row.id,
    eventType: row.eventType,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    payload: row.payload,
    occurredAt: row.createdAt.toISOString(),
  };
  return {
    data,
    opts: {
      jobId: outboxJobId(row.id),
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
      // Completed jobs are kept a day so a re-relayed id is still recognised, then dropped.
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
