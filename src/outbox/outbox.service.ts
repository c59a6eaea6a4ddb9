import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxStatus } from './outbox-event.entity';

export type DomainEvent = {
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
};

/** Rows per INSERT: a bulk import may publish tens of thousands of events in one transaction. */
const ROWS_PER_INSERT = 2_000;

/** Every module publishes its domain events through here, inside its own transaction. */
@Injectable()
export class OutboxService {
  /**
   * Writes events in the caller's transaction: they exist exactly when the change commits.
   * Plain multi-row INSERTs: the ORM's per-entity work made bulk publishing the slowest part of a
   * manifest import (about 4× the cost of inserting the parcels themselves).
   */
  async publish(em: EntityManager, ...events: DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const chunk = events.slice(i, i + ROWS_PER_INSERT);
      await em.query(
        `INSERT INTO outbox_event (event_type, aggregate_type, aggregate_id, payload, status, relay_attempts)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, 0)').join(', ')}`,
        chunk.flatMap((e) => [e.eventType, e.aggregateType, e.aggregateId, JSON.stringify(e.payload), OutboxStatus.PENDING]),
      );
    }
  }

  /**
   * Set-based publishing for bulk work (a settlement run's statements): one event per row of
   * `select`, which must return the columns `aggregate_id` and `payload` (a JSON value).
   */
  async publishFromSelect(em: EntityManager, eventType: string, aggregateType: string, select: string, params: unknown[]): Promise<void> {
    await em.query(
      `INSERT INTO outbox_event (event_type, aggregate_type, aggregate_id, payload, status, relay_attempts)
       SELECT ?, ?, src.aggregate_id, src.payload, ?, 0 FROM (${select}) src`,
      [eventType, aggregateType, OutboxStatus.PENDING, ...params],
    );
  }
}
