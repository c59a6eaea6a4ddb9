import { registerAs } from '@nestjs/config';
import { Matches } from 'class-validator';
import { validateConfig } from './validate-config';

/** base64 of exactly 32 bytes (44 characters with one '=' of padding). */
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

class CryptoEnv {
  // No defaults: losing or changing these keys makes stored ID and account numbers unreadable.
  @Matches(BASE64_32_BYTES, { message: 'must be base64 of 32 random bytes' })
  FIELD_ENCRYPTION_KEY!: string;

  @Matches(BASE64_32_BYTES, { message: 'must be base64 of 32 random bytes' })
  BLIND_INDEX_KEY!: string;
}

export type CryptoConfig = { fieldEncryptionKey: string; blindIndexKey: string };

export const cryptoConfig = registerAs('crypto', (): CryptoConfig => {
  const v = validateConfig(process.env, CryptoEnv);
  if (v.FIELD_ENCRYPTION_KEY === v.BLIND_INDEX_KEY) {
    throw new Error('Invalid configuration (配置错误): BLIND_INDEX_KEY must differ from FIELD_ENCRYPTION_KEY');
  }
  return { fieldEncryptionKey: v.FIELD_ENCRYPTION_KEY, blindIndexKey: v.BLIND_INDEX_KEY };
});
