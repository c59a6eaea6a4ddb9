import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { QUEUES } from '../queues/queue-names';
import { DomainEventHandlers } from './domain-event-handlers';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxService } from './outbox.service';

/** Publishing (every module) and relaying (worker) of domain events. Global: everything publishes. */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.DOMAIN_EVENTS })],
  providers: [OutboxService, OutboxRelayService, DomainEventHandlers],
  exports: [OutboxService, OutboxRelayService, DomainEventHandlers, BullModule],
})
export class OutboxModule {}
