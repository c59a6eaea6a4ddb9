import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { cryptoConfig } from './crypto.config';
import { databaseConfig } from './database.config';
import { exportsConfig } from './exports.config';
import { intakeConfig } from './intake.config';
import { outboxConfig } from './outbox.config';
import { parcelsConfig } from './parcels.config';
import { payoutsConfig } from './payouts.config';
import { redisConfig } from './redis.config';
import { reportsConfig } from './reports.config';
import { settlementConfig } from './settlement.config';
import { smsConfig } from './sms.config';
import { unsoldConfig } from './unsold.config';
import { warehouseConfig } from './warehouse.config';

/** Every config namespace; loaded by ConfigModule in both the API and the worker. */
export const allConfigs = [
  appConfig, databaseConfig, redisConfig, authConfig, outboxConfig, cryptoConfig, intakeConfig, parcelsConfig, warehouseConfig,
  settlementConfig, payoutsConfig, smsConfig, unsoldConfig, reportsConfig, exportsConfig,
];

export type { AppConfig } from './app.config';
export type { AuthConfig } from './auth.config';
export type { CryptoConfig } from './crypto.config';
export type { DatabaseConfig } from './database.config';
export type { ExportsConfig } from './exports.config';
export type { IntakeConfig } from './intake.config';
export type { OutboxConfig } from './outbox.config';
export type { ParcelsConfig } from './parcels.config';
export type { PayoutsConfig } from './payouts.config';
export type { RedisConfig } from './redis.config';
export type { ReportsConfig } from './reports.config';
export type { SettlementConfig } from './settlement.config';
export type { SmsConfig, SmsProviderName } from './sms.config';
export type { TransitLossBearer, WarehouseConfig } from './warehouse.config';
export type { UnsoldConfig, UnsoldPolicyName } from './unsold.config';
