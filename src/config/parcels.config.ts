import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateConfig } from './validate-config';

class ParcelsEnv {
  @IsOptional() @IsInt() @Min(1) @Max(60)
  PARCELS_REMIND_AFTER_DAYS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(90)
  PARCELS_RETURN_AFTER_DAYS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(50)
  PARCELS_MAX_PICKUP_ATTEMPTS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(99)
  PARCELS_DEFAULT_SHELVES?: number;

  @IsOptional() @IsInt() @Min(1) @Max(99)
  PARCELS_DEFAULT_LAYERS?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  PARCELS_MANIFEST_MAX_ROWS?: number;
}

export type ParcelsConfig = {
  /** Days on the shelf before the recipient is reminded (parcel.overdue). */
  remindAfterDays: number;
  /** Days on the shelf after which a parcel is due to go back to the carrier. */
  returnAfterDays: number;
  /** Wrong pickup attempts on a parcel before it is flagged and refused until an agent clears it. */
  maxPickupAttempts: number;
  /** Shelf layout of a point that has not configured its own. */
  defaultShelves: number;
  defaultLayers: number;
  /** Largest manifest accepted in one upload. */
  manifestMaxRows: number;
};

export const parcelsConfig = registerAs('parcels', (): ParcelsConfig => {
  const v = validateConfig(process.env, ParcelsEnv);
  const config = {
    remindAfterDays: v.PARCELS_REMIND_AFTER_DAYS ?? 3,
    returnAfterDays: v.PARCELS_RETURN_AFTER_DAYS ?? 7,
    maxPickupAttempts: v.PARCELS_MAX_PICKUP_ATTEMPTS ?? 5,
    defaultShelves: v.PARCELS_DEFAULT_SHELVES ?? 4,
    defaultLayers: v.PARCELS_DEFAULT_LAYERS ?? 3,
    manifestMaxRows: v.PARCELS_MANIFEST_MAX_ROWS ?? 20_000,
  };
  if (config.returnAfterDays <= config.remindAfterDays) {
    throw new Error('PARCELS_RETURN_AFTER_DAYS must be greater than PARCELS_REMIND_AFTER_DAYS');
  }
  return config;
});
