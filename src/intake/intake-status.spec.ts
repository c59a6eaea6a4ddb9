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

  it('should count a line whose QC accepted nothing as done once the others are batched', () => {
    const rejected = { status: LineStatus.INSPECTED, acceptedQuantityBase: 0 };
    const batched = { status: LineStatus.BATCHED, acceptedQuantityBase: 30 };
    expect(consignmentStatusFromLines([batched, rejected])).toBe(ConsignmentStatus.BATCHED);
    expect(consignmentStatusFromLines([rejected, rejected])).toBe(ConsignmentStatus.INSPECTED);
    expect(consignmentStatusFromLines([{ status: LineStatus.PARTLY_BATCHED, acceptedQuantityBase: 30 }, rejected])).toBe(ConsignmentStatus.PARTLY_BATCHED);
  });
});
