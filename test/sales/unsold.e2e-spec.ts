import { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { allConfigs } from '../../src/config';
import { randomUUID } from 'crypto';
import { createTestApp, TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { lotFromFarmers } from '../factories/lot.factory';
import { assertLedgerInvariants } from '../support/ledger';
import { Caller, callersFor } from '../support/http';
import { drainSms, startWorker } from '../support/worker';
import { TimedJobsRegistry } from '../../src/scheduling/timed-jobs.registry';
import { SALES_TIMED_JOBS } from '../../src/sales/unsold.timed-jobs';
import { UnsoldService } from '../../src/sales/unsold.service';

const DAY = 86_400_000;
/** 豆腐乳 grade A: 1800 fen a jar at QC (the locked price); consignment period 30 days. */
const JAR_FEN = 1800;

/**
 * The unsold-goods job, driven with fixed slot times (goods are captured now; a slot 31 days on is
 * after their 30-day consignment period): each policy, reruns of a slot, the period-ending SMS,
 * later sales of converted stock, and the forward trace.
 */
describe('Unsold goods and the consignment period (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let sku3: { id: string };
  let store: { id: string };
  let unsold: UnsoldService;
  const after = (days: number) => new Date(Date.now() + days * DAY);

  const farmer = async (extra: Record<string, unknown> = {}) =>
    (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, extra)).expect(201)).body.id as string;
  const lot = (ids: string[], q: number[], skuId = sku3.id, jarsPerPack = 3) => lotFromFarmers({ agent: c.agentA, warehouseStaff: c.warehouseStaff },
    { pointId: org.pointA.id, warehouseId: org.warehouse1.id, productId: products.dfr.id, skuId, jarsPerPack }, ids, q);
  const sell = (lotId: string, packs: number, unitPriceFen = 6000, skuId = sku3.id) => c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`,
    { clientId: randomUUID(), lines: [{ skuId, lotId, packs, unitPriceFen }] }).expect(201).then((r) => r.body);
  const earned = async (farmerId: string) => Number((await t.dataSource.query(
    `SELECT COALESCE(SUM(e.amount_fen), 0) AS s FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
     WHERE a.company_id = ? AND a.owner_type = 'FARMER' AND a.owner_id = ? AND e.kind = 'EARNING'`, [org.company.id, farmerId]))[0].s);
  const contributed = async (lotId: string) => new Map<string, { lineId: string; units: number }>((await t.dataSource.query(
    'SELECT farmer_id, consignment_line_id, SUM(quantity_base) AS q FROM lot_provenance WHERE lot_id = ? GROUP BY farmer_id, consignment_line_id', [lotId]))
    .map((r: Record<string, string>) => [String(r.farmer_id), { lineId: String(r.consignment_line_id), units: Number(r.q) }] as const));
  const snapshot = () => Promise.all([
    t.dataSource.query('SELECT COUNT(*) AS n, COALESCE(SUM(ABS(amount_fen)), 0) AS s FROM ledger_entry'),
    t.dataSource.query('SELECT COUNT(*) AS n FROM unsold_action'),
    t.dataSource.query('SELECT lot_id, consignment_line_id, allocated_base, contributed_base, allocated_fen FROM lot_allocation ORDER BY lot_id, consignment_line_id'),
    t.dataSource.query('SELECT COUNT(*) AS n FROM outbox_event'),
    t.dataSource.query('SELECT COUNT(*) AS n FROM lot_markdown'),
  ]);
  const expectMoneyCheckOk = async () => {
    const check = (await c.admin.get('/api/v1/sales-check').expect(200)).body;
    expect(check).toEqual(expect.objectContaining({ ok: true, brokenLines: [], clearingBalanceFen: 0 }));
    await assertLedgerInvariants(t.dataSource, org.company.id);
  };

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA, warehouseStaff: org.users.warehouseStaff });
    products = await createTestProducts(c.admin);
    sku3 = (await c.admin.post('/api/v1/skus', { code: 'DFR-3', name: '豆腐乳 3瓶装', productId: products.dfr.id, contentUnit: 'JAR', contentBasePerPack: 3 }).expect(201)).body;
    store = (await c.admin.post('/api/v1/sales-channels', { kind: 'STORE', name: '桃江门店', warehouseId: org.warehouse1.id }).expect(201)).body;
    unsold = t.app.get(UnsoldService);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should convert unsold units to company stock once: the farmer earns the locked price for every unit, a rerun of the slot changes nothing, later sales allocate nothing more to those lines', async () => {
    const [f1, f2] = [await farmer(), await farmer()];
    const { lotId, packs } = await lot([f1, f2], [7, 5]); // 12 jars, 4 packs
    expect(packs).toBe(4);
    await sell(lotId, 1); // 3 jars sold within the period
    const share = await contributed(lotId);
    const slot = after(31);
    const job = t.app.get(TimedJobsRegistry).get(SALES_TIMED_JOBS.UNSOLD_GOODS)!;
    const out = await job.run(slot) as { converted: number };
    expect(out.converted).toBeGreaterThanOrEqual(2);

    // every unit of each line is now paid at the QC-locked price: what the sale earned plus the conversion
    for (const f of [f1, f2]) expect(await earned(f)).toBe(share.get(f)!.units * JAR_FEN);
    const actions = await t.dataSource.query("SELECT consignment_line_id, policy, stage, unsold_base, amount_fen FROM unsold_action WHERE lot_id = ? ORDER BY consignment_line_id", [lotId]);
    expect(actions).toHaveLength(2);
    expect(actions.every((a: Record<string, string>) => a.policy === 'CONVERT' && a.stage === 'ACTED')).toBe(true);
    expect(actions.reduce((s: number, a: Record<string, string>) => s + Number(a.unsold_base), 0)).toBe(9);
    for (const f of [f1, f2]) {
      const key = `unsold-convert:${lotId}:${share.get(f)!.lineId}`;
      expect(await t.dataSource.query('SELECT id FROM ledger_posting WHERE source_key = ?', [key])).toHaveLength(1);
    }
    await expectMoneyCheckOk();

    // the same slot again, and another slot of the same day: nothing changes
    const before = await snapshot();
    await job.run(slot);
    await unsold.run(new Date(slot.getTime() + 60_000));
    expect(await snapshot()).toEqual(before);

    // a later sale of the lot draws company stock: no allocation to the converted lines, all margin
    const balances = await Promise.all([f1, f2].map(earned));
    const later = await sell(lotId, 2, 6500);
    expect(later.lines[0].allocations).toEqual([]);
    expect(later.lines[0]).toEqual(expect.objectContaining({ companyStockBase: 6, farmerFen: 0, commissionFen: 0, marginFen: 2 * 6500 }));
    expect(await Promise.all([f1, f2].map(earned))).toEqual(balances);
    await expectMoneyCheckOk();

    // a refund with restock puts the units back into company stock; selling the lot out still pays no farmer again
    await c.warehouseStaff.post(`/api/v1/sale-lines/${later.lines[0].id}/refunds`, { clientId: randomUUID(), packs: 1, disposition: 'RESTOCK', reason: '包装破损退货' }).expect(201);
    const last = await sell(lotId, 2, 6200);
    expect(last.lines[0]).toEqual(expect.objectContaining({ companyStockBase: 6, farmerFen: 0 }));
    const lotSales = (await c.warehouseStaff.get(`/api/v1/lots/${lotId}/sales`).expect(200)).body;
    expect(lotSales.companyStock).toEqual({ convertedBase: 9, soldBase: 9 });
    expect(lotSales.contributors.every((x: { contributedBase: number; allocatedBase: number }) => x.allocatedBase === x.contributedBase)).toBe(true);
    expect(await Promise.all([f1, f2].map(earned))).toEqual(balances);
    await expectMoneyCheckOk();
  });

  it('should share a later sale between company stock and a farmer still within the period, and convert that farmer later', async () => {
    const [early, late] = [await farmer(), await farmer()];
    const { lotId } = await lot([early, late], [6, 6]); // 4 packs
    const share = await contributed(lotId);
    // the early farmer's goods came in 10 days before (a fixture change: the period is counted from capture)
    await t.dataSource.query('UPDATE consignment c JOIN consignment_line cl ON cl.consignment_id = c.id SET c.captured_at = c.captured_at - INTERVAL 10 DAY WHERE cl.id = ?', [share.get(early)!.lineId]);
    await unsold.run(after(25), 'CONVERT');
    expect(await earned(early)).toBe(6 * JAR_FEN);
    expect(await earned(late)).toBe(0);

    const s = await sell(lotId, 2, 6000); // 6 jars: company stock and the late farmer's goods in proportion
    const line = s.lines[0];
    const toLate = line.allocations.filter((a: { farmerId: string }) => a.farmerId === late);
    expect(line.allocations.every((a: { farmerId: string }) => a.farmerId === late)).toBe(true);
    expect(line.companyStockBase + toLate.reduce((n: number, a: { quantityBase: number }) => n + a.quantityBase, 0)).toBe(6);
    expect(line.companyStockBase).toBeGreaterThan(0);
    await expectMoneyCheckOk();

    await unsold.run(after(31), 'CONVERT');
    expect(await earned(late)).toBe(6 * JAR_FEN);
    await sell(lotId, 2, 6000);
    expect(await earned(early)).toBe(6 * JAR_FEN);
    expect(await earned(late)).toBe(6 * JAR_FEN);
    await expectMoneyCheckOk();
  });

  it('should mark a lot down once with a price suggestion and an event, allocating nothing', async () => {
    const sku2 = (await c.admin.post('/api/v1/skus', { code: 'DFR-2', name: '豆腐乳 2瓶装', productId: products.dfr.id, contentUnit: 'JAR', contentBasePerPack: 2 }).expect(201)).body;
    const f = await farmer();
    const { lotId } = await lot([f], [8], sku2.id, 2); // 4 packs
    await sell(lotId, 1, 4500, sku2.id);
    const ledgerBefore = await t.dataSource.query('SELECT COUNT(*) AS n FROM ledger_entry');
    const slot = after(31);
    const out = await unsold.run(slot, 'MARKDOWN');
    expect(out.markedDown).toBeGreaterThanOrEqual(1);
    const [flag] = await t.dataSource.query('SELECT markdown_percent, reference_unit_price_fen, suggested_unit_price_fen, unsold_base FROM lot_markdown WHERE lot_id = ?', [lotId]);
    expect(flag).toEqual({ markdown_percent: 20, reference_unit_price_fen: '4500', suggested_unit_price_fen: '3600', unsold_base: 6 });
    const [event] = await t.dataSource.query("SELECT payload FROM outbox_event WHERE event_type = 'unsold.marked_down' AND aggregate_id = ?", [lotId]);
    const payload = typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload;
    expect(payload).toEqual(expect.objectContaining({ lotId, suggestedUnitPriceFen: 3600, unsoldBase: 6, lines: [expect.objectContaining({ farmerId: f, unsoldBase: 6 })] }));
    expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM ledger_entry')).toEqual(ledgerBefore);
    expect((await t.dataSource.query('SELECT allocated_base FROM lot_allocation WHERE lot_id = ? AND consignment_line_id <> 0', [lotId]))[0].allocated_base).toBe(2);

    const before = await snapshot();
    await unsold.run(slot, 'MARKDOWN');
    expect(await snapshot()).toEqual(before);
    // still the farmer's goods: a sale pays the farmer as usual
    await sell(lotId, 1, 3600, sku2.id);
    expect(await earned(f)).toBe(4 * JAR_FEN);
    await expectMoneyCheckOk();
  });

  it('should ask the farmer to take back goods still at the point once, and leave goods in lots alone', async () => {
    const f = await farmer();
    const cons = (await c.agentA.post('/api/v1/consignments', {
      clientId: randomUUID(), pointId: org.pointA.id, farmerId: f, capturedAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [{ productId: products.dfr.id, quantity: 5, unit: '瓶', gradeCode: 'A' }],
    }).expect(201)).body;
    await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, {
      lines: [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 4 }], rejected: [{ reason: 'DAMAGED', quantity: 1, disposition: 'RETURNED_TO_FARMER' }], checklist: { seal: true, label: true, productionDate: true } }],
    }).expect(201);
    const g = await farmer();
    const { lotId } = await lot([g], [6]);
    const slot = after(31);
    await unsold.run(slot, 'NOTIFY_RETURN');
    const lineId = String((await t.dataSource.query('SELECT id FROM consignment_line WHERE consignment_id = ?', [cons.id]))[0].id);
    expect(await t.dataSource.query("SELECT lot_id, policy, unsold_base, amount_fen FROM unsold_action WHERE consignment_line_id = ? AND stage = 'ACTED'", [lineId]))
      .toEqual([{ lot_id: '0', policy: 'NOTIFY_RETURN', unsold_base: 4, amount_fen: '0' }]);
    const events = await t.dataSource.query("SELECT payload FROM outbox_event WHERE event_type = 'unsold.return_requested' AND aggregate_id = ?", [lineId]);
    expect(events).toHaveLength(1);
    expect(await t.dataSource.query('SELECT COUNT(*) AS n FROM unsold_action WHERE lot_id = ?', [lotId])).toEqual([{ n: '0' }]);
    expect(await earned(g)).toBe(0);

    const before = await snapshot();
    await unsold.run(slot, 'NOTIFY_RETURN');
    await unsold.run(new Date(slot.getTime() + DAY), 'NOTIFY_RETURN');
    expect(await snapshot()).toEqual(before);

    // the farmer is told by SMS, once however often the event is delivered
    await drainSms(worker);
    await t.dataSource.query(`UPDATE outbox_event SET status = 'PENDING' WHERE event_type = 'unsold.return_requested' AND aggregate_id = ?`, [lineId]);
    await drainSms(worker);
    const sms = await t.dataSource.query("SELECT body, status, source_key FROM sms_message WHERE farmer_id = ? AND template = 'UNSOLD_RETURN_REQUESTED'", [f]);
    const endDay = new Date(Date.parse(cons.capturedAt) + 30 * DAY + 8 * 3600_000);
    const [point] = await t.dataSource.query('SELECT name FROM commerce_point WHERE id = ?', [org.pointA.id]);
    expect(sms).toEqual([{
      body: `您寄售的豆腐乳4瓶（单号${cons.receiptNo}）已于${endDay.getUTCMonth() + 1}月${endDay.getUTCDate()}日过寄售期未售出，请到${point.name}领回。`,
      status: 'SENT', source_key: `return-requested:${lineId}`,
    }]);
    expect(await t.dataSource.query("SELECT COUNT(*) AS n FROM sms_message WHERE farmer_id = ? AND template = 'UNSOLD_RETURN_REQUESTED'", [g])).toEqual([{ n: '0' }]);
  });

  it('should text the farmer once per line a few days before the period ends, however often the job runs, and only while something is unsold', async () => {
    const f = await farmer({ name: '吴金兰' });
    const sold = await farmer();
    const cons = (await c.agentA.post('/api/v1/consignments', {
      clientId: randomUUID(), pointId: org.pointA.id, farmerId: f, capturedAt: new Date(Date.now() - 60_000).toISOString(),
      lines: [{ productId: products.dfr.id, quantity: 12, unit: '瓶', gradeCode: 'A' }, { productId: products.tzc.id, quantity: '2.5', unit: '斤', gradeCode: 'A' }],
    }).expect(201)).body;
    await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, {
      lines: [
        { lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 12 }], rejected: [], checklist: { seal: true, label: true, productionDate: true } },
        { lineNo: 2, accepted: [{ gradeCode: 'A', quantity: '2.5' }], rejected: [], checklist: { seal: true, mold: true, smell: true } },
      ],
    }).expect(201);
    const { lotId } = await lot([sold], [6]);
    await sell(lotId, 2); // everything of this farmer sold: no notice

    const slot = after(28); // the period ends 30 days after capture: within the 3 notice days
    await unsold.run(slot, 'CONVERT');
    await unsold.run(slot, 'CONVERT');
    await unsold.run(new Date(slot.getTime() + DAY), 'CONVERT');
    await drainSms(worker);
    await t.dataSource.query(`UPDATE outbox_event SET status = 'PENDING' WHERE event_type = 'consignment.period_ending'`);
    await drainSms(worker);

    const sms = await t.dataSource.query("SELECT body, status, source_key FROM sms_message WHERE farmer_id = ? AND template = 'CONSIGNMENT_PERIOD_ENDING' ORDER BY id", [f]);
    expect(sms).toHaveLength(2);
    expect(sms.every((m: { status: string }) => m.status === 'SENT')).toBe(true);
    const endDay = new Date(Date.now() + 30 * DAY + 8 * 3600_000);
    const date = `${endDay.getUTCMonth() + 1}月${endDay.getUTCDate()}日`;
    const [point] = await t.dataSource.query('SELECT name FROM commerce_point WHERE id = ?', [org.pointA.id]);
    expect(sms.map((m: { body: string }) => m.body).sort()).toEqual([
      `您寄售的坛子菜2.5斤（单号${cons.receiptNo}）将于${date}到期，请联系${point.name}。`,
      `您寄售的豆腐乳12瓶（单号${cons.receiptNo}）将于${date}到期，请联系${point.name}。`,
    ].sort());
    expect(await t.dataSource.query("SELECT COUNT(*) AS n FROM sms_message WHERE farmer_id = ? AND template = 'CONSIGNMENT_PERIOD_ENDING'", [sold])).toEqual([{ n: '0' }]);
    expect(await t.dataSource.query("SELECT COUNT(*) AS n FROM unsold_action WHERE stage = 'PERIOD_ENDING' AND farmer_id = ?", [f])).toEqual([{ n: '2' }]);
  });

  it('should trace a consignment forward to the sales of its units and its conversion', async () => {
    const f = await farmer();
    const other = await farmer();
    const { lotId } = await lot([f, other], [9, 3]); // 4 packs
    const s = await sell(lotId, 2, 6100);
    await unsold.run(after(31), 'CONVERT');
    const lineId = (await contributed(lotId)).get(f)!.lineId;
    const consignmentId = String((await t.dataSource.query('SELECT consignment_id FROM consignment_line WHERE id = ?', [lineId]))[0].consignment_id);
    const trace = (await c.agentA.get(`/api/v1/consignments/${consignmentId}/trace`).expect(200)).body;
    const mine = s.lines[0].allocations.find((a: { farmerId: string }) => a.farmerId === f);
    expect(trace.sales).toEqual([expect.objectContaining({
      lotId, saleLineId: s.lines[0].id, saleId: s.id, channelKind: 'STORE', unitsBase: mine.quantityBase, farmerFen: mine.farmerAmountFen, unitPriceFen: 6100,
    })]);
    expect(new Date(trace.sales[0].soldAt).getTime()).toBe(new Date(s.soldAt).getTime());
    const conversion = trace.unsold.find((u: { stage: string }) => u.stage === 'ACTED');
    expect(conversion).toEqual(expect.objectContaining({ lotId, consignmentLineId: lineId, policy: 'CONVERT', unitsBase: 9 - mine.quantityBase, farmerFen: (9 - mine.quantityBase) * JAR_FEN }));
    expect(trace.lots.map((l: { lotId: string }) => l.lotId)).toEqual([lotId]);
  });

  it('should refuse to boot with an unknown policy or markdown percentage, naming the variable', async () => {
    for (const [name, value] of [['UNSOLD_POLICY', 'GIVE_AWAY'], ['UNSOLD_MARKDOWN_PERCENT', '95'], ['UNSOLD_PERIOD_ENDING_NOTICE_DAYS', '-1']]) {
      const saved = process.env[name];
      process.env[name] = value;
      try {
        await expect(Test.createTestingModule({ imports: [ConfigModule.forRoot({ load: allConfigs, ignoreEnvFile: true })] }).compile()).rejects.toThrow(new RegExp(name));
      } finally {
        if (saved === undefined) delete process.env[name]; else process.env[name] = saved;
      }
    }
  });
});
