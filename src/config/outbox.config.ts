import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class OutboxEnv {
  @IsOptional() @IsInt() @Min(50) @Max(60000)
  OUTBOX_RELAY_INTERVAL_MS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(5000)
  OUTBOX_RELAY_BATCH_SIZE?: number;

  @IsOptional() @IsInt() @Min(100) @Max(60000)
  OUTBOX_QUEUE_TIMEOUT_MS?: number;
}

export type OutboxConfig = { relayIntervalMs: number; relayBatchSize: number; queueTimeoutMs: number };

export const outboxConfig = registerAs('outbox', (): OutboxConfig => {
  const v = validateConfig(process.env, OutboxEnv);
  return {
    relayIntervalMs: v.OUTBOX_RELAY_INTERVAL_MS ?? 500,
    relayBatchSize: v.OUTBOX_RELAY_BATCH_SIZE ?? 200,
    queueTimeoutMs: v.OUTBOX_QUEUE_TIMEOUT_MS ?? 2000,
  };
});
