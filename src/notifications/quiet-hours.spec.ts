import { sendableAt } from './quiet-hours';

describe(sendableAt.name, () => {
  const quiet = { startMinute: 21 * 60, endMinute: 8 * 60 };

  it('should send at once outside quiet hours', () => {
    const now = new Date('2026-11-23T04:00:00Z'); // 12:00 Shanghai
    expect(sendableAt(now, quiet)).toEqual(now);
  });

  it('should wait until 08:00 Shanghai for a message created at 22:30', () => {
    expect(sendableAt(new Date('2026-11-23T14:30:00Z'), quiet).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('should wait until 08:00 the same morning for a message created at 06:15', () => {
    expect(sendableAt(new Date('2026-11-23T22:15:00Z'), quiet).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('should treat 08:00 as outside and 21:00 as inside', () => {
    const at8 = new Date('2026-11-24T00:00:00Z');
    expect(sendableAt(at8, quiet)).toEqual(at8);
    expect(sendableAt(new Date('2026-11-23T13:00:00Z'), quiet).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('should handle a window that does not wrap midnight and no window at all', () => {
    expect(sendableAt(new Date('2026-11-23T05:30:00Z'), { startMinute: 12 * 60, endMinute: 14 * 60 }).toISOString()).toBe('2026-11-23T06:00:00.000Z');
    const now = new Date('2026-11-23T14:30:00Z');
    expect(sendableAt(now, null)).toEqual(now);
  });
});
