import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class IntakeEnv {
  @IsOptional() @IsInt() @Min(0) @Max(7 * 24 * 60)
  INTAKE_VOID_WINDOW_MINUTES?: number;

  @IsOptional() @IsInt() @Min(1) @Max(90)
  INTAKE_MAX_CAPTURE_AGE_DAYS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(500)
  INTAKE_BULK_MAX_ITEMS?: number;
}

export type IntakeConfig = { voidWindowMinutes: number; maxCaptureAgeDays: number; bulkMaxItems: number };

export const intakeConfig = registerAs('intake', (): IntakeConfig => {
  const v = validateConfig(process.env, IntakeEnv);
  return {
    voidWindowMinutes: v.INTAKE_VOID_WINDOW_MINUTES ?? 120,
    maxCaptureAgeDays: v.INTAKE_MAX_CAPTURE_AGE_DAYS ?? 7,
    bulkMaxItems: v.INTAKE_BULK_MAX_ITEMS ?? 500,
  };
});
