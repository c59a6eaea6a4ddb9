import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboxEventEntity, OutboxStatus } from './outbox-event.entity';

export type DomainEvent = {
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
};

/** Every module publishes its domain events through here, inside its own transaction. */
@Injectable()
export class OutboxService {
  /** Writes events in the caller's transaction: they exist exactly when the change commits. */
  async publish(em: EntityManager, ...events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    // updateEntity(false): on MySQL TypeORM would otherwise re-select every row for its defaults.
    await em.createQueryBuilder().insert().into(OutboxEventEntity).values(
      events.map((e) => ({ ...e, status: OutboxStatus.PENDING, relayAttempts: 0, lastError: null, sentAt: null })) as QueryDeepPartialEntity<OutboxEventEntity>[],
    ).updateEntity(false).execute();
  }
}
