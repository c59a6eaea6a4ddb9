import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FarmersModule } from '../farmers/farmers.module';
import { IntakeModule } from '../intake/intake.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PayoutsModule } from '../payouts/payouts.module';
import { SettlementModule } from '../settlement/settlement.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrderFarmingModule } from '../order-farming/order-farming.module';
import { OrganizationModule } from '../organization/organization.module';
import { ParcelsModule } from '../parcels/parcels.module';
import { FarmerAuthController } from './farmer-auth.controller';
import { FarmerAuthService } from './farmer-auth.service';
import { MeController } from './me.controller';
import { PayoutChangeController } from './payout-change.controller';
import { SmsCodeService } from './sms-code.service';
import { SmsCommandsService } from './sms-commands.service';
import { SmsWebhooksController } from './sms-webhooks.controller';

/** The farmer app: SMS-code login, farmer tokens, and the /me routes. */
@Module({
  imports: [FarmersModule, NotificationsModule, IntakeModule, ParcelsModule, OrganizationModule, CatalogModule, SettlementModule, PayoutsModule, LedgerModule, OrderFarmingModule],
  controllers: [FarmerAuthController, MeController, SmsWebhooksController, PayoutChangeController],
  providers: [FarmerAuthService, SmsCodeService, SmsCommandsService],
  exports: [FarmerAuthService],
})
export class FarmerAppModule {}
