import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

export type UnsoldPolicyName = 'CONVERT' | 'MARKDOWN' | 'NOTIFY_RETURN';

class UnsoldEnv {
  @IsOptional() @IsIn(['CONVERT', 'MARKDOWN', 'NOTIFY_RETURN'])
  UNSOLD_POLICY?: UnsoldPolicyName;

  @IsOptional() @IsInt() @Min(1) @Max(90)
  UNSOLD_MARKDOWN_PERCENT?: number;

  @IsOptional() @IsInt() @Min(0) @Max(60)
  UNSOLD_PERIOD_ENDING_NOTICE_DAYS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(366)
  UNSOLD_LOOKBACK_DAYS?: number;
}

export type UnsoldConfig = {
  /** What happens to consignment-mode goods unsold when their consignment period ends. */
  policy: UnsoldPolicyName;
  /** MARKDOWN: percent off the SKU's latest sale price in the lot's price suggestion. */
  markdownPercent: number;
  /** `consignment.period_ending` goes out this many days before a line's period ends (0: no notice). */
  periodEndingNoticeDays: number;
  /** The daily job looks at periods that ended at most this many days ago (catch-up after an outage; bounds the scan). */
  lookbackDays: number;
};

export const unsoldConfig = registerAs('unsold', (): UnsoldConfig => {
  const v = validateConfig(process.env, UnsoldEnv);
  return {
    policy: v.UNSOLD_POLICY ?? 'CONVERT',
    markdownPercent: v.UNSOLD_MARKDOWN_PERCENT ?? 20,
    periodEndingNoticeDays: v.UNSOLD_PERIOD_ENDING_NOTICE_DAYS ?? 3,
    lookbackDays: v.UNSOLD_LOOKBACK_DAYS ?? 30,
  };
});
