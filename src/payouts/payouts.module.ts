import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PayoutsConfig } from '../config';
import { FarmersModule } from '../farmers/farmers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganizationModule } from '../organization/organization.module';
import { QUEUES } from '../queues/queue-names';
import { SettlementModule } from '../settlement/settlement.module';
import { buildPayoutAdapters } from './payout-adapters.factory';
import { PAYOUT_CHANNEL_ADAPTERS, PayoutChannelAdapters } from './payout-channel';
import { PayoutNotices } from './payout-notices';
import { PayoutsController } from './payouts.controller';
import { PayoutsService } from './payouts.service';

/**
 * Payouts through channel adapters (bank transfer, WeChat Pay, Alipay; PAYOUT_PROVIDER=sandbox by
 * default, live for the real ones) and cash at the point. The processor runs in the worker (WorkerModule).
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.PAYOUTS }), LedgerModule, SettlementModule, FarmersModule, NotificationsModule, OrganizationModule],
  controllers: [PayoutsController],
  providers: [
    PayoutsService, PayoutNotices,
    {
      provide: PAYOUT_CHANNEL_ADAPTERS,
      inject: [ConfigService],
      useFactory: (config: ConfigService): PayoutChannelAdapters => buildPayoutAdapters(config.getOrThrow<PayoutsConfig>('payouts')),
    },
  ],
  exports: [PayoutsService],
})
export class PayoutsModule {}
