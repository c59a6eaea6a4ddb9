import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class ExportsEnv {
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  EXPORT_MAX_ROWS_INLINE?: number;

  @IsOptional() @IsInt() @Min(100) @Max(50_000)
  EXPORT_CHUNK_ROWS?: number;
}

export type ExportsConfig = {
  /** Largest export answered in one buffered response (`delivery=inline`); bigger ones must use the streamed download. */
  maxRowsInline: number;
  /** Rows read from MariaDB per keyset chunk while streaming (an export holds at most two chunks). */
  chunkRows: number;
};

export const exportsConfig = registerAs('exports', (): ExportsConfig => {
  const v = validateConfig(process.env, ExportsEnv);
  return {
    maxRowsInline: v.EXPORT_MAX_ROWS_INLINE ?? 10_000,
    chunkRows: v.EXPORT_CHUNK_ROWS ?? 5_000,
  };
});
