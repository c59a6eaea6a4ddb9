import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { FarmersModule } from '../farmers/farmers.module';
import { LedgerModule } from '../ledger/ledger.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganizationModule } from '../organization/organization.module';
import { QUEUES } from '../queues/queue-names';
import { SettlementModule } from '../settlement/settlement.module';
import { PAYOUT_CHANNEL_ADAPTERS, PayoutChannelAdapters } from './payout-channel';
import { PayoutNotices } from './payout-notices';
import { PayoutChannel } from './payout.entity';
import { PayoutsController } from './payouts.controller';
import { PayoutsService } from './payouts.service';
import { SandboxPayoutAdapter } from './sandbox-payout.adapter';

/**
 * Payouts through channel adapters (bank transfer, WeChat Pay, Alipay; PAYOUT_PROVIDER=sandbox is the
 * only implementation so far) and cash at the point. The processor runs in the worker (WorkerModule).
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.PAYOUTS }), LedgerModule, SettlementModule, FarmersModule, NotificationsModule, OrganizationModule],
  controllers: [PayoutsController],
  providers: [
    PayoutsService, PayoutNotices,
    {
      provide: PAYOUT_CHANNEL_ADAPTERS,
      useFactory: (): PayoutChannelAdapters => new Map(
        [PayoutChannel.BANK_TRANSFER, PayoutChannel.WECHAT_PAY, PayoutChannel.ALIPAY].map((c) => [c, new SandboxPayoutAdapter(c)]),
      ),
    },
  ],
  exports: [PayoutsService],
})
export class PayoutsModule {}
