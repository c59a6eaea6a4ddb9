import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FieldCipher } from '../common/crypto/field-cipher';
import { CryptoConfig } from '../config';
import { OrganizationModule } from '../organization/organization.module';
import { FarmerPayoutGuard } from './farmer-payout-guard';
import { FarmersController } from './farmers.controller';
import { PayoutChangeCodeCheck } from './payout-change-code';
import { FARMER_CIPHER, FarmersService } from './farmers.service';

/** Farmer registry. Exports FarmersService (farmer lookups for intake, parcels, ledger). */
@Module({
  imports: [OrganizationModule],
  controllers: [FarmersController],
  providers: [
    FarmersService,
    FarmerPayoutGuard,
    PayoutChangeCodeCheck,
    {
      provide: FARMER_CIPHER,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const c = config.getOrThrow<CryptoConfig>('crypto');
        return FieldCipher.fromBase64(c.fieldEncryptionKey, c.blindIndexKey);
      },
    },
  ],
  exports: [FarmersService, FarmerPayoutGuard, PayoutChangeCodeCheck],
})
export class FarmersModule {}
