import Redis from 'ioredis';
import { rateLimitKeyPrefix } from '../../src/common/rate-limit/shared-throttler-storage';

/**
 * Forgets this jest worker's rate-limit counters (Redis, under its QUEUE_PREFIX): they outlive an app,
 * so a file that tests a limit starts from zero and leaves no block for the files after it.
 */
export async function clearRateLimits(): Promise<void> {
  const redis = new Redis({ host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379), lazyConnect: true });
  await redis.connect();
  try {
    const keys = await redis.keys(`${rateLimitKeyPrefix(process.env.QUEUE_PREFIX ?? 'vc')}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
