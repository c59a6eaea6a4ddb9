import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OutboxConfig } from '../config';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * Worker only: relays the outbox in a loop. Several workers may run it at once (rows are claimed
 * with SKIP LOCKED). A full batch is followed at once by the next; otherwise it waits an interval.
 */
@Injectable()
export class OutboxRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayRunner.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly relay: OutboxRelayService, private readonly config: ConfigService) {}

  onApplicationBootstrap(): void {
    this.logger.log('outbox relay started');
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const { relayIntervalMs, relayBatchSize } = this.config.getOrThrow<OutboxConfig>('outbox');
    const relayed = await this.relay.relayPending();
    this.schedule(relayed >= relayBatchSize ? 0 : relayIntervalMs);
  }
}
