import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { OutboxService } from '../../src/outbox/outbox.service';
import { TestProducts } from '../factories/catalog.factory';
import { Caller } from './http';

/** Ledger invariants checked with plain SQL, for one company. Throws with the first broken one. */
export async function assertLedgerInvariants(ds: DataSource, companyId: string): Promise<void> {
  const [total] = await ds.query('SELECT COALESCE(SUM(amount_fen), 0) AS s FROM ledger_entry WHERE company_id = ?', [companyId]);
  if (Number(total.s) !== 0) throw new Error(`ledger sums to ${total.s}, not 0`);
  const mismatched = await ds.query(
    `SELECT a.id, a.balance_fen, (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entry e WHERE e.account_id = a.id) AS s
     FROM ledger_account a WHERE a.company_id = ? HAVING s <> a.balance_fen`, [companyId]);
  if (mismatched.length) throw new Error(`balances differ from entries: ${JSON.stringify(mismatched)}`);
  const unbalanced = await ds.query('SELECT posting_id FROM ledger_entry WHERE company_id = ? GROUP BY posting_id HAVING SUM(amount_fen) <> 0', [companyId]);
  if (unbalanced.length) throw new Error(`unbalanced postings: ${JSON.stringify(unbalanced)}`);
}

/** A farmer's entries as [kind, amountFen], in posting order. */
export async function farmerEntries(ds: DataSource, companyId: string, farmerId: string): Promise<Array<[string, number]>> {
  const rows = await ds.query(
    `SELECT e.kind, e.amount_fen FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
     WHERE a.company_id = ? AND a.owner_type = 'FARMER' AND a.owner_id = ? ORDER BY e.id`, [companyId, farmerId]);
  return rows.map((r: { kind: string; amount_fen: string }) => [r.kind, Number(r.amount_fen)]);
}

/** Consigns `eggs` 枚 of 土鸡蛋 (purchase mode, grade A at 200 fen) and QCs them all accepted: one earning of eggs × 200. */
export async function acceptEggs(agent: Caller, pointId: string, farmerId: string, products: TestProducts, eggs: number): Promise<{ consignmentId: string; gradeId: string }> {
  const cons = await agent.post('/api/v1/consignments', {
    clientId: randomUUID(), pointId, farmerId, capturedAt: new Date(Date.now() - 60_000).toISOString(),
    lines: [{ productId: products.egg.id, quantity: eggs, unit: '枚', gradeCode: 'A' }],
  });
  if (cons.status !== 201) throw new Error(`consignment: ${cons.status} ${JSON.stringify(cons.body)}`);
  const qc = await agent.post(`/api/v1/consignments/${cons.body.id}/quality-checks`, {
    lines: [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: eggs }], rejected: [], checklist: { cracks: true, dirt: true, size: true } }],
  });
  if (qc.status !== 201) throw new Error(`qc: ${qc.status} ${JSON.stringify(qc.body)}`);
  return { consignmentId: cons.body.id, gradeId: qc.body.lines[0].qualityCheck.accepted[0].id };
}

/** Publishes warehouse.chargeback_recorded as the warehouse module will (its contract), through the outbox. */
export async function publishChargeback(ds: DataSource, outbox: OutboxService, p: { companyId: string; farmerId: string; productId: string; amountFen: number; chargebackId?: string }): Promise<string> {
  const chargebackId = p.chargebackId ?? String(Math.floor(Math.random() * 1e12));
  await ds.transaction((em) => outbox.publish(em, {
    eventType: 'warehouse.chargeback_recorded', aggregateType: 'chargeback', aggregateId: chargebackId,
    payload: {
      sourceKey: `chargeback:${chargebackId}`, chargebackId, companyId: p.companyId, farmerId: p.farmerId, consignmentLineId: '1',
      productId: p.productId, quantityBase: 3, amountFen: p.amountFen, reason: '入库发现散黄 latent defect',
    },
  }));
  return chargebackId;
}

/** Waits until every committed event is handled and the payout queue is idle (retries included). */
export async function drainAll(worker: import('@nestjs/common').INestApplicationContext, timeoutMs = 30000): Promise<void> {
  const { getQueueToken } = await import('@nestjs/bull');
  const { drainEvents } = await import('./worker');
  const { QUEUES } = await import('../../src/queues/queue-names');
  const queue = worker.get<import('bull').Queue>(getQueueToken(QUEUES.PAYOUTS));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await drainEvents(worker, timeoutMs);
    const counts = await queue.getJobCounts();
    if (counts.waiting + counts.active + counts.delayed === 0) {
      await drainEvents(worker, timeoutMs);
      const again = await queue.getJobCounts();
      if (again.waiting + again.active + again.delayed === 0) return;
    }
    if (Date.now() > deadline) throw new Error(`payouts not drained: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No entry in two statements: per account, statement ranges never overlap. */
export async function assertNoEntryInTwoStatements(ds: DataSource, companyId: string): Promise<void> {
  const overlaps = await ds.query(
    `SELECT a.id, b.id AS other FROM payout_statement a JOIN payout_statement b ON a.account_id = b.account_id AND a.id < b.id
     WHERE a.company_id = ? AND a.from_entry_id < b.through_entry_id AND b.from_entry_id < a.through_entry_id`, [companyId]);
  if (overlaps.length) throw new Error(`statements overlap: ${JSON.stringify(overlaps)}`);
}
