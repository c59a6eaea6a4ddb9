import { Module } from '@nestjs/common';
import { SharedThrottlerStorage } from './shared-throttler-storage';

/** The shared rate-limit counters (one Redis connection per process), for the login throttler and the trace guard. */
@Module({
  providers: [SharedThrottlerStorage],
  exports: [SharedThrottlerStorage],
})
export class RateLimitModule {}
