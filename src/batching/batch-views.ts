import { BatchItemEntity } from './batch-item.entity';
import { BatchEntity, ManifestTotals } from './batch.entity';
import { ChargebackEntity } from './chargeback.entity';
import { TransitLossEntity } from './transit-loss.entity';

export type BatchItemView = Pick<BatchItemEntity,
  'id' | 'consignmentLineId' | 'consignmentId' | 'farmerId' | 'productId' | 'quantityBase' | 'receivedBase' | 'damagedBase'
  | 'lostBase' | 'surplusBase' | 'surplusReason' | 'accounted' | 'processedBase' | 'chargedBackBase'>;

export type BatchTotals = { itemCount: number; shippedBase: number; receivedBase: number; damagedBase: number; lostBase: number; surplusBase: number; accountedItems: number };

export type BatchView = {
  id: string; batchNo: string | null; clientId: string; companyId: string; pointId: string; warehouseId: string; status: string; note: string | null;
  createdBy: string; createdAt: Date; sealedAt: Date | null; manifestTotals: ManifestTotals | null;
  dispatch: { dispatchedAt: Date; vehiclePlate: string | null; driverName: string | null; driverPhone: string | null; carrierKind: string | null; carrierName: string | null; departedAt: Date | null } | null;
  receivingStartedAt: Date | null; receivedAt: Date | null; closedAt: Date | null; cancelledAt: Date | null; cancelReason: string | null;
  staleAlertedAt: Date | null;
  totals: BatchTotals;
  items?: BatchItemView[];
  transitLosses?: Array<Pick<TransitLossEntity, 'id' | 'batchItemId' | 'consignmentLineId' | 'farmerId' | 'productId' | 'cause' | 'quantityBase' | 'bearer' | 'note' | 'createdAt'>>;
  chargebacks?: ChargebackView[];
};

export type ChargebackView = Pick<ChargebackEntity,
  'id' | 'batchId' | 'batchItemId' | 'consignmentLineId' | 'farmerId' | 'productId' | 'kind' | 'quantityBase' | 'amountFen' | 'reason' | 'evidenceNote' | 'evidencePhotos' | 'recordedBy' | 'createdAt'>;

export function batchTotals(items: BatchItemEntity[]): BatchTotals {
  const sum = (k: keyof BatchItemEntity) => items.reduce((s, i) => s + Number(i[k]), 0);
  return {
    itemCount: items.length, shippedBase: sum('quantityBase'), receivedBase: sum('receivedBase'), damagedBase: sum('damagedBase'),
    lostBase: sum('lostBase'), surplusBase: sum('surplusBase'), accountedItems: items.filter((i) => i.accounted).length,
  };
}

export const toItemView = (i: BatchItemEntity): BatchItemView => ({
  id: i.id, consignmentLineId: i.consignmentLineId, consignmentId: i.consignmentId, farmerId: i.farmerId, productId: i.productId,
  quantityBase: i.quantityBase, receivedBase: i.receivedBase, damagedBase: i.damagedBase, lostBase: i.lostBase, surplusBase: i.surplusBase,
  surplusReason: i.surplusReason, accounted: i.accounted, processedBase: i.processedBase, chargedBackBase: i.chargedBackBase,
});

export const toChargebackView = (c: ChargebackEntity): ChargebackView => ({
  id: c.id, batchId: c.batchId, batchItemId: c.batchItemId, consignmentLineId: c.consignmentLineId, farmerId: c.farmerId, productId: c.productId,
  kind: c.kind, quantityBase: c.quantityBase, amountFen: c.amountFen, reason: c.reason, evidenceNote: c.evidenceNote,
  evidencePhotos: c.evidencePhotos, recordedBy: c.recordedBy, createdAt: c.createdAt,
});

export function toBatchView(b: BatchEntity, items: BatchItemEntity[], detail?: { losses: TransitLossEntity[]; chargebacks: ChargebackEntity[] }): BatchView {
  const view: BatchView = {
    id: b.id, batchNo: b.batchNo, clientId: b.clientId, companyId: b.companyId, pointId: b.pointId, warehouseId: b.warehouseId, status: b.status,
    note: b.note, createdBy: b.createdBy, createdAt: b.createdAt, sealedAt: b.sealedAt, manifestTotals: b.manifestTotals,
    dispatch: b.dispatchedAt ? {
      dispatchedAt: b.dispatchedAt, vehiclePlate: b.vehiclePlate, driverName: b.driverName, driverPhone: b.driverPhone,
      carrierKind: b.carrierKind, carrierName: b.carrierName, departedAt: b.departedAt,
    } : null,
    receivingStartedAt: b.receivingStartedAt, receivedAt: b.receivedAt, closedAt: b.closedAt, cancelledAt: b.cancelledAt,
    cancelReason: b.cancelReason, staleAlertedAt: b.staleAlertedAt, totals: batchTotals(items),
  };
  if (detail) {
    view.items = items.map(toItemView);
    view.transitLosses = detail.losses.map((l) => ({
      id: l.id, batchItemId: l.batchItemId, consignmentLineId: l.consignmentLineId, farmerId: l.farmerId, productId: l.productId,
      cause: l.cause, quantityBase: l.quantityBase, bearer: l.bearer, note: l.note, createdAt: l.createdAt,
    }));
    view.chargebacks = detail.chargebacks.map(toChargebackView);
  }
  return view;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}
