import { addFen, fen, formatYuan, lineAmountFen, percentOfFen } from './money';

describe('money', () => {
  describe('fen', () => {
    it('should refuse fractions and unsafe integers', () => {
      expect(() => fen(1.5)).toThrow(RangeError);
      expect(() => fen(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
      expect(fen(-12)).toBe(-12);
    });
  });

  describe('addFen', () => {
    it('should add integer fen exactly', () => {
      expect(addFen(10, 20, -5)).toBe(25);
    });
  });

  describe('lineAmountFen', () => {
    it('should price per display unit and round half up once', () => {
      // 1500 fen per 斤 (500 g) × 750 g = 2250 fen
      expect(lineAmountFen(1500, 750, 500)).toBe(2250);
      // 333 fen per 斤 × 1 g = 0.666 fen -> 1
      expect(lineAmountFen(333, 1, 500)).toBe(1);
      // 1 fen per 斤 × 250 g = 0.5 fen -> 1 (half up)
      expect(lineAmountFen(1, 250, 500)).toBe(1);
      // 1 fen per 斤 × 249 g -> 0
      expect(lineAmountFen(1, 249, 500)).toBe(0);
      expect(lineAmountFen(-1, 250, 500)).toBe(-1);
    });
  });

  describe('formatYuan', () => {
    it('should format fen as yuan with two decimals', () => {
      expect(formatYuan(300012)).toBe('3000.12');
      expect(formatYuan(5)).toBe('0.05');
      expect(formatYuan(-150)).toBe('-1.50');
    });
  });
});

describe('percentOfFen', () => {
  it('should take basis points of an amount and round half up once', () => {
    // 5 % of 5450 fen = 272.5 → 273
    expect(percentOfFen(5450, 500)).toBe(273);
    expect(percentOfFen(5449, 500)).toBe(272);
    expect(percentOfFen(-5450, 500)).toBe(-273);
    expect(percentOfFen(1000, 0)).toBe(0);
    expect(percentOfFen(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('should refuse fractional or negative basis points', () => {
    expect(() => percentOfFen(100, 1.5)).toThrow(RangeError);
    expect(() => percentOfFen(100, -1)).toThrow(RangeError);
  });
});
