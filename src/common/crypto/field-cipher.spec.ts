import { randomBytes } from 'crypto';
import { FieldCipher, maskAccount } from './field-cipher';

describe(FieldCipher.name, () => {
  const key = () => randomBytes(32);
  const sut = new FieldCipher(key(), key());

  it('should round-trip and use a fresh IV each time', () => {
    const a = sut.encrypt('430922199001011234');
    const b = sut.encrypt('430922199001011234');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('1234');
    expect(sut.decrypt(a)).toBe('430922199001011234');
  });

  it('should refuse a tampered ciphertext', () => {
    const stored = sut.encrypt('6222021234567890123');
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => sut.decrypt(`v1:${raw.toString('base64')}`)).toThrow();
  });

  it('should give a deterministic, case-insensitive blind index that depends on the key', () => {
    expect(sut.blindIndex('43092219900101123x')).toBe(sut.blindIndex('43092219900101123X'));
    expect(sut.blindIndex('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(new FieldCipher(key(), key()).blindIndex('a')).not.toBe(sut.blindIndex('a'));
  });

  it('should refuse short or identical keys', () => {
    expect(() => new FieldCipher(randomBytes(16), key())).toThrow();
    const k = key();
    expect(() => new FieldCipher(k, k)).toThrow();
  });

  it('should mask account numbers', () => {
    expect(maskAccount('1234')).toBe('**** **** 1234');
    expect(maskAccount(null)).toBeNull();
  });
});
