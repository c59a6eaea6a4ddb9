import { randomUUID } from 'crypto';
import { Caller } from '../support/http';
import { TestProducts } from './catalog.factory';
import { consignmentBody } from './intake.factory';

/** QC answers that accept every line of `consignmentBody` in full: 30 eggs, 1250 g 坛子菜, 2 jars 豆腐乳. */
export const FULL_QC = [
  { lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 30 }], rejected: [], checklist: { cracks: true, dirt: true, size: true } },
  { lineNo: 2, accepted: [{ gradeCode: 'A', quantity: '2.5' }], rejected: [], checklist: { seal: true, mold: true, smell: true } },
  { lineNo: 3, accepted: [{ gradeCode: 'A', quantity: 2 }], rejected: [], checklist: { seal: true, label: true, productionDate: true } },
];

export type InspectedConsignment = { id: string; receiptNo: string; lines: Array<{ id: string; lineNo: number; productId: string; acceptedQuantityBase: number; status: string }> };

/** A consignment of the 3 test products, every line inspected and fully accepted at grade A. */
export async function inspectedConsignment(agent: Caller, pointId: string, farmerId: string, products: TestProducts, extra: Record<string, unknown> = {}): Promise<InspectedConsignment> {
  const created = await agent.post('/api/v1/consignments', consignmentBody(pointId, farmerId, products, extra));
  if (created.status !== 201) throw new Error(`consignment: ${created.status} ${JSON.stringify(created.body)}`);
  const qc = await agent.post(`/api/v1/consignments/${created.body.id}/quality-checks`, { lines: FULL_QC });
  if (qc.status !== 201) throw new Error(`qc: ${qc.status} ${JSON.stringify(qc.body)}`);
  return qc.body;
}

export const openBatchBody = (pointId: string, warehouseId: string) => ({ clientId: randomUUID(), pointId, warehouseId });

export const dispatchBody = (extra: Record<string, unknown> = {}) => ({
  vehiclePlate: '湘H·12345', driverName: '李师傅', driverPhone: '13907371234', carrierKind: 'COMPANY_TRUCK', departedAt: new Date().toISOString(), ...extra,
});

/** Opens a batch, adds the lines (whole), seals and dispatches it; returns the dispatched batch. */
export async function dispatchedBatch(agent: Caller, pointId: string, warehouseId: string, lineIds: string[]) {
  const batch = (await agent.post('/api/v1/batches', openBatchBody(pointId, warehouseId)).expect(201)).body;
  await agent.post(`/api/v1/batches/${batch.id}/items`, { requestId: randomUUID(), items: lineIds.map((id) => ({ consignmentLineId: id })) }).expect(201);
  await agent.post(`/api/v1/batches/${batch.id}/seal`).expect(200);
  return (await agent.post(`/api/v1/batches/${batch.id}/dispatch`, dispatchBody()).expect(200)).body;
}
