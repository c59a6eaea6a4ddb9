import { ConflictError } from '../common/errors/domain-error';

/** open → sealed → dispatched → received → closed; cancelled only from open or sealed. */
export enum BatchStatus {
  OPEN = 'OPEN',
  SEALED = 'SEALED',
  DISPATCHED = 'DISPATCHED',
  RECEIVED = 'RECEIVED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}

export enum CarrierKind {
  COMPANY_TRUCK = 'COMPANY_TRUCK',
  CARRIER = 'CARRIER',
}

/** Causes of transit loss: 破损, 丢失, 变质, 其他. */
export enum LossCause {
  DAMAGED = 'DAMAGED',
  LOST = 'LOST',
  SPOILED = 'SPOILED',
  OTHER = 'OTHER',
}

export const LOSS_CAUSE_ZH: Record<LossCause, string> = { DAMAGED: '破损', LOST: '丢失', SPOILED: '变质', OTHER: '其他' };

export enum LossBearer {
  COMPANY = 'COMPANY',
  FARMER = 'FARMER',
}

export const BATCH_STATUS_ZH: Record<BatchStatus, string> = {
  OPEN: '装批中', SEALED: '已封批', DISPATCHED: '已发车', RECEIVED: '已收货', CLOSED: '已关闭', CANCELLED: '已取消',
};

/** 409 unless the batch is in one of the allowed states. */
export function assertBatchStatus(status: BatchStatus, allowed: BatchStatus[], action: string): void {
  if (!allowed.includes(status)) {
    throw new ConflictError('BATCH_STATE_INVALID', `批次${BATCH_STATUS_ZH[status]}，不能${action}`,
      `Batch is ${status}; cannot ${action} (allowed from ${allowed.join(', ')})`);
  }
}
