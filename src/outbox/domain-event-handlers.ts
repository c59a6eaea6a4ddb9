import { Injectable, Logger } from '@nestjs/common';
import { MicroBatcher } from '../common/micro-batcher';
import { DomainEventJob } from '../queues/queue-names';

export type DomainEventHandler = (event: DomainEventJob) => Promise<void>;
export type DomainEventBatchHandler = (events: DomainEventJob[]) => Promise<void>;

/**
 * Consumers (ledger, notifications, counters…) register a handler per event type at module init.
 * Delivery is at least once, so every handler must be idempotent (source keys, unique indexes).
 *
 * A batch handler gets the events of its type that the worker is processing at about the same time
 * (within a few milliseconds, at most 500): under a burst one set-based pass replaces hundreds of
 * per-event round trips. Each event's job succeeds or fails with its batch, so a failed batch is
 * retried event by event through Bull; idempotency stays the handler's.
 */
@Injectable()
export class DomainEventHandlers {
  private readonly logger = new Logger(DomainEventHandlers.name);
  private readonly handlers = new Map<string, DomainEventHandler[]>();
  private readonly batchHandlers = new Map<string, DomainEventBatchHandler[]>();
  private readonly batchers = new Map<string, MicroBatcher<DomainEventJob, void>>();

  register(eventType: string, handler: DomainEventHandler): void {
    this.handlers.set(eventType, [...(this.handlers.get(eventType) ?? []), handler]);
  }

  registerBatch(eventType: string, handler: DomainEventBatchHandler): void {
    this.batchHandlers.set(eventType, [...(this.batchHandlers.get(eventType) ?? []), handler]);
    if (!this.batchers.has(eventType)) {
      this.batchers.set(eventType, new MicroBatcher<DomainEventJob, void>(async (events) => {
        for (const h of this.batchHandlers.get(eventType) ?? []) await h(events);
        return events.map((): void => undefined);
      }));
    }
  }

  async dispatch(event: DomainEventJob): Promise<number> {
    const handlers = this.handlers.get(event.eventType) ?? [];
    for (const handler of handlers) await handler(event);
    const batcher = this.batchers.get(event.eventType);
    if (batcher) await batcher.add(event);
    const count = handlers.length + (this.batchHandlers.get(event.eventType)?.length ?? 0);
    this.logger.debug({ outboxId: event.outboxId, eventType: event.eventType, handlers: count }, 'event handled');
    return count;
  }
}
