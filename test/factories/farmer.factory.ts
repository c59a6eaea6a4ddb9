import { randomInt } from 'crypto';
import { idCheckDigit } from '../../src/farmers/id-number';

let seq = 0;
/** A mobile number unlikely to collide with another file's (unique per company anyway). */
export const testPhone = () => `139${String(randomInt(1e7)).padStart(7, '0')}${(seq++ % 10)}`.slice(0, 11);

/** A valid 18-digit ID number (correct check digit) for a person born on 1980-01-15. */
export function testIdNumber(): string {
  const first17 = `43092219800115${String(randomInt(1e3)).padStart(3, '0')}`;
  return first17 + idCheckDigit(first17);
}

export const farmerBody = (villageRegionId: string, usualPointId: string, extra: Record<string, unknown> = {}) => ({
  name: '吴金兰', phone: testPhone(), villageRegionId, usualPointId, payout: { method: 'CASH' }, smsConsent: true, ...extra,
});
