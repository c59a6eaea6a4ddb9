import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request } from 'express';
import { WarehouseConfig } from '../config';

/**
 * Per client IP, per minute (fixed window, in this process) limit for the public trace route; past it
 * the answer is 429 with Retry-After, like the login limit. Several API instances each keep their own.
 */
@Injectable()
export class TraceRateLimitGuard implements CanActivate {
  private readonly limit: number;
  private readonly hits = new Map<string, { window: number; count: number }>();

  constructor(config: ConfigService) {
    this.limit = config.getOrThrow<WarehouseConfig>('warehouse').traceRateLimitPerMinute;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const ip = req.ip ?? 'unknown';
    const window = Math.floor(Date.now() / 60_000);
    const entry = this.hits.get(ip);
    if (!entry || entry.window !== window) {
      if (this.hits.size > 100_000) this.hits.clear();
      this.hits.set(ip, { window, count: 1 });
      return true;
    }
    if (++entry.count > this.limit) throw new ThrottlerException();
    return true;
  }
}
