import { businessDay, businessDayRange } from './business-day';

describe('businessDay', () => {
  it('should use the Asia/Shanghai calendar day', () => {
    expect(businessDay(new Date('2026-11-22T15:59:59.999Z'))).toBe('2026-11-22');
    expect(businessDay(new Date('2026-11-22T16:00:00.000Z'))).toBe('2026-11-23');
  });

  it('should give the UTC range of a business day', () => {
    const { start, end } = businessDayRange('2026-11-23');
    expect(start.toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(end.toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });
});
