import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request } from 'express';
import { SharedThrottlerStorage } from '../common/rate-limit/shared-throttler-storage';
import { WarehouseConfig } from '../config';

/**
 * Per client IP, per minute limit for the public trace route, counted with the login limit's shared
 * counters (Redis: one limit across API processes and servers); past it the answer is 429 with
 * Retry-After, like the login limit.
 */
@Injectable()
export class TraceRateLimitGuard implements CanActivate {
  private readonly limit: number;

  constructor(config: ConfigService, private readonly counters: SharedThrottlerStorage) {
    this.limit = config.getOrThrow<WarehouseConfig>('warehouse').traceRateLimitPerMinute;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const hits = await this.counters.increment(`trace:${req.ip ?? 'unknown'}`, 60_000, this.limit, 60_000, 'trace');
    if (hits.isBlocked) throw new ThrottlerException();
    return true;
  }
}
