import { allocatePickupCodes, normalizePickupCode, pickupCodeCapacity, pickupCodeFor } from './pickup-code';

describe('pickup codes', () => {
  const layout = { shelfCount: 4, layerCount: 3 };

  describe(pickupCodeFor.name, () => {
    it('should fill every shelf layer before the number moves on', () => {
      expect(pickupCodeFor(0, layout)).toBe('1-1-0000');
      expect(pickupCodeFor(1, layout)).toBe('1-2-0000');
      expect(pickupCodeFor(3, layout)).toBe('2-1-0000');
      expect(pickupCodeFor(11, layout)).toBe('4-3-0000');
      expect(pickupCodeFor(12, layout)).toBe('1-1-0001');
    });

    it('should give distinct codes over the whole capacity', () => {
      const small = { shelfCount: 2, layerCount: 2 };
      const codes = new Set(Array.from({ length: pickupCodeCapacity(small) }, (_, n) => pickupCodeFor(n, small)));
      expect(codes.size).toBe(40_000);
    });
  });

  describe(allocatePickupCodes.name, () => {
    it('should skip codes still on the shelf', () => {
      const taken = new Set(['1-2-0000', '2-1-0000']);
      const sut = allocatePickupCodes(0, 3, layout, taken);
      expect(sut).toEqual({ codes: ['1-1-0000', '1-3-0000', '2-2-0000'], next: 5 });
    });

    it('should wrap around the capacity', () => {
      const capacity = pickupCodeCapacity(layout);
      const sut = allocatePickupCodes(capacity - 1, 2, layout, new Set());
      expect(sut).toEqual({ codes: ['4-3-9999', '1-1-0000'], next: 1 });
    });

    it('should refuse when the shelves are full', () => {
      const tiny = { shelfCount: 1, layerCount: 1 };
      const taken = new Set(Array.from({ length: 9_999 }, (_, n) => pickupCodeFor(n, tiny)));
      expect(allocatePickupCodes(0, 2, tiny, taken)).toBeNull();
      expect(allocatePickupCodes(0, 1, tiny, taken)?.codes).toEqual(['1-1-9999']);
    });
  });

  describe(normalizePickupCode.name, () => {
    it('should accept the ways a code is typed', () => {
      expect(normalizePickupCode('3-2-0417')).toBe('3-2-0417');
      expect(normalizePickupCode(' 3 2 417 ')).toBe('3-2-0417');
      expect(normalizePickupCode('03-2-417')).toBe('3-2-0417');
      expect(normalizePickupCode('3-2')).toBeNull();
      expect(normalizePickupCode('a-b-c')).toBeNull();
    });
  });
});
