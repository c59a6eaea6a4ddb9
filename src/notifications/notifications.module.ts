import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CatalogModule } from '../catalog/catalog.module';
import { SmsConfig } from '../config';
import { FarmersModule } from '../farmers/farmers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationModule } from '../organization/organization.module';
import { ParcelsModule } from '../parcels/parcels.module';
import { QUEUES } from '../queues/queue-names';
import { NotificationEventsService } from './notification-events.service';
import { ParcelManifestNotices } from './parcel-manifest-notices';
import { SalesDigestTimedJobs } from './sales-digest.timed-jobs';
import { AliyunSmsProvider } from './providers/aliyun.provider';
import { OutboxSmsProvider } from './providers/outbox.provider';
import { TencentSmsProvider } from './providers/tencent.provider';
import { SmsAdminController } from './sms-admin.controller';
import { SMS_CLOCK, SMS_PROVIDER, SmsProvider } from './sms-provider';
import { SmsRateLimiter } from './sms-rate-limiter';
import { SMS_TEMPLATES, validateTemplates } from './sms-templates';
import { SmsService } from './sms.service';

/** Builds the configured provider after checking every template (a bad template stops boot). */
function createSmsProvider(config: ConfigService): SmsProvider {
  const c = config.getOrThrow<SmsConfig>('sms');
  validateTemplates(SMS_TEMPLATES, c.provider, c.templateCodes);
  switch (c.provider) {
    case 'aliyun':
      return new AliyunSmsProvider({ ...c.aliyun, signName: c.signName, templateCodes: c.templateCodes });
    case 'tencent':
      return new TencentSmsProvider({ ...c.tencent, signName: c.signName, templateCodes: c.templateCodes });
    default:
      return new OutboxSmsProvider();
  }
}

/**
 * Outgoing SMS: templates, providers, the message table and its queue, the event consumers, the
 * admin view. Exports SmsService (send) and NotificationEventsService (notifyFarmer, for the ledger).
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.SMS }), FarmersModule, OrganizationModule, CatalogModule, ParcelsModule, LedgerModule],
  controllers: [SmsAdminController],
  providers: [
    SmsService, SmsRateLimiter, NotificationEventsService, SalesDigestTimedJobs, ParcelManifestNotices,
    { provide: SMS_PROVIDER, inject: [ConfigService], useFactory: createSmsProvider },
    { provide: SMS_CLOCK, useValue: { now: () => new Date() } },
  ],
  exports: [SmsService, NotificationEventsService, SmsRateLimiter, BullModule],
})
export class NotificationsModule {}
