import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { RedisConfig, SmsConfig } from '../config';
import { QUEUES } from '../queues/queue-names';

export type RateWindow = { name: string; seconds: number; limit: number };

/**
 * Fixed-window counters in Redis, shared by every worker and API instance: per phone (provider
 * caps per minute / hour / day) and for login-code requests (per phone and per IP).
 * `take` counts one use if every window has room; otherwise it counts nothing and says when to retry.
 */
@Injectable()
export class SmsRateLimiter {
  constructor(@InjectQueue(QUEUES.SMS) private readonly queue: Queue, private readonly config: ConfigService) {}

  /** The provider windows of one phone, from config. */
  phoneWindows(): RateWindow[] {
    const c = this.config.getOrThrow<SmsConfig>('sms');
    return [
      { name: 'm', seconds: 60, limit: c.ratePerMinute },
      { name: 'h', seconds: 3600, limit: c.ratePerHour },
      { name: 'd', seconds: 86400, limit: c.ratePerDay },
    ];
  }

  async take(subject: string, windows: RateWindow[], now: Date): Promise<{ ok: true } | { ok: false; retryAt: Date }> {
    return (await this.takeMany([subject], windows, now))[0];
  }

  /** `take` for several distinct subjects in one MULTI (and one more for the uses given back). */
  async takeMany(subjects: string[], windows: RateWindow[], now: Date): Promise<Array<{ ok: true } | { ok: false; retryAt: Date }>> {
    if (subjects.length === 0) return [];
    const prefix = this.config.getOrThrow<RedisConfig>('redis').queuePrefix;
    const t = Math.floor(now.getTime() / 1000);
    const keysOf = subjects.map((subject) => windows.map((w) => `${prefix}:smsrl:${subject}:${w.name}:${Math.floor(t / w.seconds)}`));
    const multi = this.queue.client.multi();
    keysOf.flat().forEach((k, i) => multi.incr(k).expire(k, windows[i % windows.length].seconds + 5));
    const results = (await multi.exec()) ?? [];
    const undo = this.queue.client.multi();
    let undoing = false;
    const out = keysOf.map((keys, s) => {
      const counts = keys.map((_, i) => Number(results[(s * windows.length + i) * 2]?.[1] ?? 0));
      const over = windows.filter((w, i) => counts[i] > w.limit);
      if (over.length === 0) return { ok: true as const };
      // Give the use back so a refused attempt does not eat the quota.
      keys.forEach((k) => undo.decr(k));
      undoing = true;
      const retryAtSec = Math.max(...over.map((w) => (Math.floor(t / w.seconds) + 1) * w.seconds));
      return { ok: false as const, retryAt: new Date(retryAtSec * 1000) };
    });
    if (undoing) await undo.exec();
    return out;
  }
}
