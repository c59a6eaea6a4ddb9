import { Injectable, Logger } from '@nestjs/common';
import { DomainEventJob } from '../queues/queue-names';

export type DomainEventHandler = (event: DomainEventJob) => Promise<void>;

/**
 * Consumers (ledger, notifications, counters…) register a handler per event type at module init.
 * Delivery is at least once, so every handler must be idempotent (source keys, unique indexes).
 */
@Injectable()
export class DomainEventHandlers {
  private readonly logger = new Logger(DomainEventHandlers.name);
  private readonly handlers = new Map<string, DomainEventHandler[]>();

  register(eventType: string, handler: DomainEventHandler): void {
    this.handlers.set(eventType, [...(this.handlers.get(eventType) ?? []), handler]);
  }

  async dispatch(event: DomainEventJob): Promise<number> {
    const handlers = this.handlers.get(event.eventType) ?? [];
    for (const handler of handlers) await handler(event);
    this.logger.debug({ outboxId: event.outboxId, eventType: event.eventType, handlers: handlers.length }, 'event handled');
    return handlers.length;
  }
}
