import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'crypto';

const VERSION = 'v1';

/**
 * Field-level encryption for ID and account numbers: AES-256-GCM with a random 96-bit IV per value,
 * stored as `v1:<base64(iv | tag | ciphertext)>`, plus an HMAC-SHA256 blind index so an exact value
 * can be looked up (and kept unique) without ever storing it in clear. Both keys come from config.
 */
export class FieldCipher {
  constructor(private readonly encryptionKey: Buffer, private readonly indexKey: Buffer) {
    if (encryptionKey.length !== 32 || indexKey.length !== 32) throw new RangeError('field keys must be 32 bytes');
    if (encryptionKey.equals(indexKey)) throw new RangeError('encryption and blind-index keys must differ');
  }

  static fromBase64(encryptionKey: string, indexKey: string): FieldCipher {
    return new FieldCipher(Buffer.from(encryptionKey, 'base64'), Buffer.from(indexKey, 'base64'));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const [version, body] = stored.split(':');
    if (version !== VERSION || !body) throw new Error('unknown ciphertext format');
    const raw = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Deterministic keyed hash (hex) of a normalized value, for equality lookups and unique indexes. */
  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKey).update(value.trim().toUpperCase()).digest('hex');
  }
}

/** The last 4 characters, the only part of an ID or account number ever returned. */
export const lastFour = (value: string): string => value.slice(-4);

/** Masked account number for responses: `**** **** 1234`. */
export const maskAccount = (last4: string | null | undefined): string | null => (last4 ? `**** **** ${last4}` : null);
