import { addDays, dayIndexInYear, daysBetween, isValidDay, monthEnd, rangePlan } from './report-days';
import { yearMasks } from './dashboards.service';

describe('report days', () => {
  describe(rangePlan.name, () => {
    it('should read whole months from month rows, a mostly covered month as its row minus the days outside, and short edges as days', () => {
      expect(rangePlan('2025-12-02', '2026-12-01')).toEqual({
        months: ['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01'],
        plusDays: [['2026-12-01', '2026-12-01']],
        minusDays: [['2025-12-01', '2025-12-01']],
      });
      expect(rangePlan('2026-03-05', '2026-03-28')).toEqual({ months: ['2026-03-01'], plusDays: [], minusDays: [['2026-03-01', '2026-03-04'], ['2026-03-29', '2026-03-31']] });
    });

    it('should take a whole month when the range covers it exactly, and days within one month', () => {
      expect(rangePlan('2026-02-01', '2026-02-28')).toEqual({ months: ['2026-02-01'], plusDays: [], minusDays: [] });
      expect(rangePlan('2026-02-03', '2026-02-10')).toEqual({ months: [], plusDays: [['2026-02-03', '2026-02-10']], minusDays: [] });
    });
  });

  it('should count days inclusively and find month ends, leap years included', () => {
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(365);
    expect(daysBetween('2026-01-02', '2026-01-01')).toBe(0);
    expect(monthEnd('2028-02-10')).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(dayIndexInYear('2028-12-31')).toBe(365);
    expect(isValidDay('2026-02-30')).toBe(false);
  });

  describe(yearMasks.name, () => {
    it('should set exactly the bits of the days in the range, across 64-bit words', () => {
      const m = yearMasks(62, 65);
      expect(m[0]).toBe((1n << 62n) | (1n << 63n));
      expect(m[1]).toBe(3n);
      expect(m.slice(2).every((w) => w === 0n)).toBe(true);
      expect(yearMasks(0, 365).slice(0, 5).every((w) => w === (1n << 64n) - 1n)).toBe(true);
      expect(yearMasks(0, 365)[5]).toBe((1n << 46n) - 1n);
    });
  });
});
