import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class ReportsEnv {
  @IsOptional() @IsInt() @Min(1) @Max(3660)
  REPORTS_MAX_RANGE_DAYS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(62)
  REPORTS_ROLLUP_LOOKBACK_DAYS?: number;
}

export type ReportsConfig = {
  /** Longest date range a live dashboard answers; longer ones are refused with a hint to export. */
  maxRangeDays: number;
  /**
   * Days the nightly roll-up recomputes, ending yesterday: QC, receiving and corrections of an
   * earlier day land late, and recomputing a day is idempotent.
   */
  rollupLookbackDays: number;
};

export const reportsConfig = registerAs('reports', (): ReportsConfig => {
  const v = validateConfig(process.env, ReportsEnv);
  return {
    maxRangeDays: v.REPORTS_MAX_RANGE_DAYS ?? 366,
    rollupLookbackDays: v.REPORTS_ROLLUP_LOOKBACK_DAYS ?? 3,
  };
});
