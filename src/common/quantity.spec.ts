import { normalizeQuantity, toBaseUnits } from './quantity';

describe('quantity', () => {
  describe(toBaseUnits.name, () => {
    it('should convert 2.5 斤 to exactly 1250 g', () => {
      expect(toBaseUnits('2.5', 500)).toEqual({ ok: true, quantityBase: 1250, normalized: '2.5' });
      expect(toBaseUnits(2.5, 500)).toEqual({ ok: true, quantityBase: 1250, normalized: '2.5' });
      expect(toBaseUnits('0.001', 1000)).toEqual({ ok: true, quantityBase: 1, normalized: '0.001' });
      expect(toBaseUnits('30', 1)).toEqual({ ok: true, quantityBase: 30, normalized: '30' });
    });

    it('should reject fractions of a whole base unit (1.5 枚)', () => {
      expect(toBaseUnits('1.5', 1)).toEqual({ ok: false, reason: 'NOT_WHOLE_BASE_UNIT' });
      expect(toBaseUnits('0.001', 500)).toEqual({ ok: false, reason: 'NOT_WHOLE_BASE_UNIT' });
    });

    it('should reject zero, negatives, exponents and more than 3 decimals', () => {
      expect(toBaseUnits('0', 1)).toEqual({ ok: false, reason: 'NOT_POSITIVE' });
      expect(toBaseUnits('0.000', 1)).toEqual({ ok: false, reason: 'NOT_POSITIVE' });
      for (const bad of ['-1', '1e3', '1.2345', 'abc', '', '01', ' ', '1.']) {
        expect(toBaseUnits(bad, 1)).toEqual({ ok: false, reason: 'MALFORMED' });
      }
      expect(toBaseUnits(-2, 1)).toEqual({ ok: false, reason: 'MALFORMED' });
      expect(toBaseUnits(Number.NaN, 1)).toEqual({ ok: false, reason: 'MALFORMED' });
    });

    it('should never use floating point (0.1 + 0.2 style errors)', () => {
      expect(toBaseUnits('0.3', 1000)).toEqual({ ok: true, quantityBase: 300, normalized: '0.3' });
      expect(toBaseUnits('999999999.999', 1000)).toEqual({ ok: true, quantityBase: 999999999999, normalized: '999999999.999' });
    });
  });

  it('should normalize trailing zeros', () => {
    expect(normalizeQuantity('2.50')).toBe('2.5');
    expect(normalizeQuantity('3.000')).toBe('3');
  });
});
