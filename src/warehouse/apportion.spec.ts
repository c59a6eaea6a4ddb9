import { apportion } from './apportion';
import { isTraceCodeShape, newTraceCode, TRACE_ALPHABET } from './trace-code';

describe('apportion', () => {
  const check = (inputs: number[], outputs: number[]) => {
    const a = apportion(inputs, outputs);
    inputs.forEach((q, i) => expect(a[i].reduce((s, x) => s + x, 0)).toBe(q));
    outputs.forEach((c, j) => expect(a.reduce((s, row) => s + row[j], 0)).toBe(c));
    a.flat().forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
    return a;
  };

  it('should split exactly in proportion when it divides', () => {
    expect(check([30, 30], [40, 20])).toEqual([[20, 10], [20, 10]]);
  });

  it('should keep every row and column sum exact with remainders', () => {
    check([7, 11, 13], [10, 20, 1]);
    check([1, 1, 1], [2, 1]);
    check([1250, 1000, 333], [2000, 583]);
    for (let n = 0; n < 200; n++) {
      const inputs = Array.from({ length: 1 + (n % 7) }, (_, i) => 1 + ((n * 31 + i * 17) % 97));
      const total = inputs.reduce((s, q) => s + q, 0);
      const cut = Math.floor(total / 3);
      check(inputs, [cut, total - cut - (n % 2), n % 2]);
    }
  });

  it('should refuse totals that differ', () => {
    expect(() => apportion([1, 2], [4])).toThrow(RangeError);
  });
});

describe('trace codes', () => {
  it('should be 12 characters of the unambiguous alphabet and differ', () => {
    const codes = new Set(Array.from({ length: 1000 }, newTraceCode));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(isTraceCodeShape(code)).toBe(true);
    expect(TRACE_ALPHABET).not.toMatch(/[01ILO]/);
    expect(isTraceCodeShape('0000OOOOIIII')).toBe(false);
  });
});
