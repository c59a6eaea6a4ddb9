import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

export type TransitLossBearer = 'COMPANY' | 'FARMER';

class WarehouseEnv {
  @IsOptional() @IsIn(['COMPANY', 'FARMER'])
  WAREHOUSE_TRANSIT_LOSS_BEARER?: TransitLossBearer;

  @IsOptional() @IsInt() @Min(1) @Max(24 * 30)
  WAREHOUSE_STALE_BATCH_HOURS?: number;

  @IsOptional() @IsInt() @Min(0) @Max(365)
  WAREHOUSE_NEAR_BEST_BEFORE_DAYS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  WAREHOUSE_TRACE_RATE_LIMIT_PER_MINUTE?: number;
}

export type WarehouseConfig = {
  /** Who bears transit loss (goods accepted at the point travel at the company's risk by default). */
  transitLossBearer: TransitLossBearer;
  /** A dispatched batch not received within this many hours raises `batch.stale`. */
  staleBatchHours: number;
  /** Lots whose best-before is within this many days raise `lot.nearing_best_before`. */
  nearBestBeforeDays: number;
  /** Public trace lookups per client IP per minute. */
  traceRateLimitPerMinute: number;
};

export const warehouseConfig = registerAs('warehouse', (): WarehouseConfig => {
  const v = validateConfig(process.env, WarehouseEnv);
  return {
    transitLossBearer: v.WAREHOUSE_TRANSIT_LOSS_BEARER ?? 'COMPANY',
    staleBatchHours: v.WAREHOUSE_STALE_BATCH_HOURS ?? 24,
    nearBestBeforeDays: v.WAREHOUSE_NEAR_BEST_BEFORE_DAYS ?? 7,
    traceRateLimitPerMinute: v.WAREHOUSE_TRACE_RATE_LIMIT_PER_MINUTE ?? 60,
  };
});
