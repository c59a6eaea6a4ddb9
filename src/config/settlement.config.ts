import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class SettlementEnv {
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000)
  SETTLEMENT_MIN_PAYOUT_FEN?: number;

  @IsOptional() @IsInt() @Min(1) @Max(50)
  PAYOUT_MAX_ATTEMPTS?: number;

  @IsOptional() @IsInt() @Min(10) @Max(3_600_000)
  PAYOUT_BACKOFF_MS?: number;
}

export type SettlementConfig = {
  /** farmers whose statement would total less roll over to the next run (fen) */
  minPayoutFen: number;
  /** Bull attempts of one payout job (each retry asks the provider for the request number's status first) */
  payoutMaxAttempts: number;
  /** first retry delay, doubled each attempt */
  payoutBackoffMs: number;
};

export const settlementConfig = registerAs('settlement', (): SettlementConfig => {
  const v = validateConfig(process.env, SettlementEnv);
  return {
    minPayoutFen: v.SETTLEMENT_MIN_PAYOUT_FEN ?? 1000,
    payoutMaxAttempts: v.PAYOUT_MAX_ATTEMPTS ?? 6,
    payoutBackoffMs: v.PAYOUT_BACKOFF_MS ?? 2000,
  };
});
