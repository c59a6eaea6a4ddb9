import { ConflictError } from '../common/errors/domain-error';

/** A consignment's state; every action checks it (batching states are set by the batching module). */
export enum ConsignmentStatus {
  RECEIVED = 'RECEIVED',
  PARTLY_INSPECTED = 'PARTLY_INSPECTED',
  INSPECTED = 'INSPECTED',
  PARTLY_BATCHED = 'PARTLY_BATCHED',
  BATCHED = 'BATCHED',
  VOIDED = 'VOIDED',
}

export enum LineStatus {
  RECEIVED = 'RECEIVED',
  INSPECTED = 'INSPECTED',
  PARTLY_BATCHED = 'PARTLY_BATCHED',
  BATCHED = 'BATCHED',
  VOIDED = 'VOIDED',
}

/** Why goods were rejected at QC (破损, 变质, 重量不足, 包装渗漏, 异味, 标签缺失, 过期, 其他 + note). */
export enum RejectReason {
  DAMAGED = 'DAMAGED',
  SPOILED = 'SPOILED',
  UNDERWEIGHT = 'UNDERWEIGHT',
  LEAKING = 'LEAKING',
  ODOR = 'ODOR',
  LABEL_MISSING = 'LABEL_MISSING',
  EXPIRED = 'EXPIRED',
  OTHER = 'OTHER',
}

export const REJECT_REASON_ZH: Record<RejectReason, string> = {
  DAMAGED: '破损', SPOILED: '变质', UNDERWEIGHT: '重量不足', LEAKING: '包装渗漏', ODOR: '异味',
  LABEL_MISSING: '标签缺失', EXPIRED: '过期', OTHER: '其他',
};

/** What happened to rejected goods: the return record. Discarding needs the farmer's consent. */
export enum RejectDisposition {
  RETURNED_TO_FARMER = 'RETURNED_TO_FARMER',
  DISCARDED_WITH_CONSENT = 'DISCARDED_WITH_CONSENT',
}

export enum AmendmentKind {
  VOID = 'VOID',
  QC_CORRECTION = 'QC_CORRECTION',
}

/** A line whose QC accepted nothing has nothing to batch: it never holds its consignment back from BATCHED. */
const nothingToBatch = (l: { status: LineStatus; acceptedQuantityBase?: number }) =>
  l.status === LineStatus.INSPECTED && l.acceptedQuantityBase === 0;

/** Consignment status derived from its lines (after QC, batching or void). */
export function consignmentStatusFromLines(lines: Array<{ status: LineStatus; acceptedQuantityBase?: number }>): ConsignmentStatus {
  if (lines.every((l) => l.status === LineStatus.VOIDED)) return ConsignmentStatus.VOIDED;
  if (lines.some((l) => l.status === LineStatus.BATCHED) && lines.every((l) => l.status === LineStatus.BATCHED || nothingToBatch(l))) {
    return ConsignmentStatus.BATCHED;
  }
  if (lines.every((l) => l.status === LineStatus.BATCHED)) return ConsignmentStatus.BATCHED;
  if (lines.some((l) => l.status === LineStatus.BATCHED || l.status === LineStatus.PARTLY_BATCHED)) return ConsignmentStatus.PARTLY_BATCHED;
  if (lines.every((l) => l.status === LineStatus.INSPECTED)) return ConsignmentStatus.INSPECTED;
  if (lines.some((l) => l.status === LineStatus.INSPECTED)) return ConsignmentStatus.PARTLY_INSPECTED;
  return ConsignmentStatus.RECEIVED;
}

export function assertNotVoided(status: ConsignmentStatus): void {
  if (status === ConsignmentStatus.VOIDED) {
    throw new ConflictError('CONSIGNMENT_VOIDED', '交售单已作废', 'Consignment is voided');
  }
}
