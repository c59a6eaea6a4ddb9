import { randomUUID } from 'crypto';
import { Caller } from '../support/http';
import { dispatchedBatch } from './batch.factory';

/**
 * Real lots with real provenance: one consignment of `quantities[i]` jars of a jar product per
 * farmer, QC accepted in full, batched, dispatched, received in full and packed into one lot of
 * `jarsPerPack`-jar packs (the remainder as packing loss).
 */
export async function lotFromFarmers(
  c: { agent: Caller; warehouseStaff: Caller }, p: { pointId: string; warehouseId: string; productId: string; skuId: string; jarsPerPack: number },
  farmerIds: string[], quantities: number[],
): Promise<{ lotId: string; packs: number; lineIds: string[] }> {
  const lineIds: string[] = [];
  for (const [i, farmerId] of farmerIds.entries()) {
    const cons = await c.agent.post('/api/v1/consignments', {
      clientId: randomUUID(), pointId: p.pointId, farmerId, capturedAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [{ productId: p.productId, quantity: quantities[i], unit: '瓶', gradeCode: 'A' }],
    });
    if (cons.status !== 201) throw new Error(`consignment: ${cons.status} ${JSON.stringify(cons.body)}`);
    const qc = await c.agent.post(`/api/v1/consignments/${cons.body.id}/quality-checks`, {
      lines: [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: quantities[i] }], rejected: [], checklist: { seal: true, label: true, productionDate: true } }],
    });
    if (qc.status !== 201) throw new Error(`qc: ${qc.status} ${JSON.stringify(qc.body)}`);
    lineIds.push(qc.body.lines[0].id);
  }
  const batch = await dispatchedBatch(c.agent, p.pointId, p.warehouseId, lineIds);
  const rec = await c.warehouseStaff.post(`/api/v1/batches/${batch.id}/receipts`, {
    requestId: randomUUID(), lines: batch.items.map((i: { id: string; quantityBase: number }) => ({ batchItemId: i.id, receivedQuantityBase: i.quantityBase })),
  });
  if (rec.status !== 201) throw new Error(`receipt: ${rec.status} ${JSON.stringify(rec.body)}`);
  const total = quantities.reduce((s, q) => s + q, 0);
  const packs = Math.floor(total / p.jarsPerPack);
  const loss = total - packs * p.jarsPerPack;
  const proc = await c.warehouseStaff.post(`/api/v1/warehouses/${p.warehouseId}/processing`, {
    requestId: randomUUID(), kind: 'PACKING', inputs: batch.items.map((i: { id: string; quantityBase: number }) => ({ batchItemId: i.id, quantityBase: i.quantityBase })),
    outputs: [{ skuId: p.skuId, packs }], lossBase: loss, ...(loss ? { lossReason: '凑不满一包' } : {}),
  });
  if (proc.status !== 201) throw new Error(`processing: ${proc.status} ${JSON.stringify(proc.body)}`);
  return { lotId: proc.body.lots[0].id, packs, lineIds };
}
