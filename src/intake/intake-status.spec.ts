import { consignmentStatusFromLines, ConsignmentStatus, LineStatus } from './intake-status';

describe(consignmentStatusFromLines.name, () => {
  const of = (...s: LineStatus[]) => consignmentStatusFromLines(s.map((status) => ({ status })));

  it('should follow the lines: received → partly inspected → inspected → batched', () => {
    expect(of(LineStatus.RECEIVED, LineStatus.RECEIVED)).toBe(ConsignmentStatus.RECEIVED);
    expect(of(LineStatus.INSPECTED, LineStatus.RECEIVED)).toBe(ConsignmentStatus.PARTLY_INSPECTED);
    expect(of(LineStatus.INSPECTED, LineStatus.INSPECTED)).toBe(ConsignmentStatus.INSPECTED);
    expect(of(LineStatus.INSPECTED, LineStatus.PARTLY_BATCHED)).toBe(ConsignmentStatus.PARTLY_BATCHED);
    expect(of(LineStatus.BATCHED, LineStatus.BATCHED)).toBe(ConsignmentStatus.BATCHED);
    expect(of(LineStatus.VOIDED)).toBe(ConsignmentStatus.VOIDED);
  });
});
