import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { RedisConfig } from '../../config';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The counters behind every per-client rate limit (login and token refresh, the public trace page),
 * kept in Redis so that a limit holds per client across all API processes and servers: counted in
 * each process, N processes would allow N times the attempts.
 *
 * If Redis does not answer within a moment, this process counts on its own (in memory) until it does:
 * the limit then holds per process, but logins keep working while Redis is away, as the rest of the API does.
 */
@Injectable()
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(SharedThrottlerStorage.name);
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private warnedAt = 0;
  private closing: Promise<void> | null = null;

  constructor(config: ConfigService) {
    const r = config.getOrThrow<RedisConfig>('redis');
    this.redis = new Redis({
      host: r.host, port: r.port, password: r.password, keyPrefix: rateLimitKeyPrefix(r.queuePrefix),
      // fail fast instead of queueing while disconnected: the request falls back to this process's count
      enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 300,
    });
    this.redis.on('error', () => undefined); // reported by increment's fallback, at most once a minute
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    try {
      return await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (err) {
      if (Date.now() - this.warnedAt > 60_000) {
        this.warnedAt = Date.now();
        this.logger.warn(`rate-limit counters unavailable in Redis (${(err as Error).message}); counting in this process`);
      }
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  /** Once, though Nest calls it for each module that imports this provider. */
  onApplicationShutdown(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    this.local.onApplicationShutdown();
    // QUIT closes at once; disconnect() leaves a 2 s timer that keeps a finished process (or test worker) alive
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else if (this.redis.status !== 'end') this.redis.disconnect();
  }
}

/** Where the counters live in Redis: beside the queues of the same prefix. */
export const rateLimitKeyPrefix = (queuePrefix: string) => `${queuePrefix}:rate:`;
