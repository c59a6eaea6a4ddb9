import { businessDay } from '../../src/common/business-day';
import { TestApp } from '../setup/app';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { intakeWorld } from '../factories/intake-world.factory';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Quality checks (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let products: TestProducts;
  let farmerId: string;

  beforeAll(async () => {
    ({ t, org, c, products, farmerId } = await intakeWorld());
  });
  afterAll(() => t.close());

  const newConsignment = async (extra: Record<string, unknown> = {}) =>
    (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmerId, products, extra)).expect(201)).body;
  const eggsQc = (extra: Record<string, unknown> = {}) => ({
    lineNo: 1,
    accepted: [{ gradeCode: 'A', quantity: 25 }, { gradeCode: 'B', quantity: 3 }],
    rejected: [{ reason: 'DAMAGED', quantity: 2, disposition: 'RETURNED_TO_FARMER' }],
    checklist: { cracks: true, dirt: true, size: false },
    ...extra,
  });
  const tzcQc = (extra: Record<string, unknown> = {}) => ({
    lineNo: 2,
    accepted: [{ gradeCode: 'A', quantity: '2' }],
    rejected: [{ reason: 'LEAKING', quantity: '0.5', disposition: 'DISCARDED_WITH_CONSENT' }],
    checklist: { seal: false, mold: true, smell: true }, measuredWeightGrams: 1260,
    ...extra,
  });
  const events = (type: string, id: string) =>
    t.dataSource.query('SELECT payload FROM outbox_event WHERE event_type = ? AND aggregate_id = ? ORDER BY id', [type, id]) as Promise<Array<{ payload: Record<string, unknown> }>>;

  it('should grade, reject with a return record, lock prices and emit events for purchase-mode lines', async () => {
    const cons = await newConsignment();
    const res = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc(), tzcQc()] });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('PARTLY_INSPECTED');
    const [eggs, tzc, dfr] = res.body.lines;
    expect(eggs).toEqual(expect.objectContaining({ status: 'INSPECTED', acceptedQuantityBase: 28, rejectedQuantityBase: 2, acceptedAmountFen: 25 * 200 + 3 * 150 }));
    expect(eggs.qualityCheck.accepted.map((g: { gradeCode: string; priceFen: number }) => [g.gradeCode, g.priceFen])).toEqual([['A', 200], ['B', 150]]);
    expect(eggs.qualityCheck.rejected).toEqual([expect.objectContaining({ reason: 'DAMAGED', quantityBase: 2, disposition: 'RETURNED_TO_FARMER' })]);
    expect(tzc).toEqual(expect.objectContaining({ acceptedQuantityBase: 1000, rejectedQuantityBase: 250, acceptedAmountFen: 3000 }));
    expect(tzc.qualityCheck).toEqual(expect.objectContaining({ measuredWeightGrams: 1260, checklist: { seal: false, mold: true, smell: true } }));
    expect(dfr.status).toBe('RECEIVED');

    const accepted = await events('consignment.line_accepted', cons.id);
    // eggs are purchase-mode (two grades), 坛子菜 is consignment-mode: owed only when sold
    expect(accepted.map((e) => [e.payload.gradeCode, e.payload.amountFen])).toEqual([['A', 5000], ['B', 450]]);
    expect(accepted[0].payload.sourceKey).toBe(`qc-grade:${eggs.qualityCheck.accepted[0].id}`);
    const completed = await events('consignment.qc_completed', cons.id);
    expect(completed).toHaveLength(1);
    expect(completed[0].payload.lines).toHaveLength(2);

    const rest = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, {
      lines: [{ lineNo: 3, accepted: [{ gradeCode: 'A', quantity: 2 }], rejected: [], checklist: { seal: true, label: true, productionDate: true } }],
    }).expect(201);
    expect(rest.body.status).toBe('INSPECTED');
  });

  it('should use the price in force at intake time even if the price changed since', async () => {
    const capturedAt = new Date(Date.now() - 3 * 3600_000).toISOString();
    const cons = await newConsignment({ capturedAt });
    await c.admin.post(`/api/v1/products/${products.egg.id}/prices`, { gradeCode: 'A', unitName: '枚', priceFen: 260, effectiveFrom: new Date(Date.now() - 3600_000).toISOString() }).expect(201);
    const res = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc({ accepted: [{ gradeCode: 'A', quantity: 30 }], rejected: [] })] }).expect(201);
    expect(res.body.lines[0].qualityCheck.accepted[0].priceFen).toBe(200);
    expect(res.body.lines[0].acceptedAmountFen).toBe(6000);
    // a consignment captured now snapshots the new price
    expect((await newConsignment()).lines[0].priceFen).toBe(260);
  });

  describe('bad QC input', () => {
    const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
      ['totals that do not add up', eggsQc({ rejected: [] }), 422, 'QC_TOTAL_MISMATCH', 'lines.0'],
      ['an unanswered checklist item', eggsQc({ checklist: { cracks: true, dirt: true } }), 422, 'QC_CHECKLIST_INCOMPLETE', 'lines.0.checklist.size'],
      ['an unknown checklist item', eggsQc({ checklist: { cracks: true, dirt: true, size: true, smell: true } }), 422, 'QC_CHECKLIST_UNKNOWN', 'lines.0.checklist.smell'],
      ['a grade the product lacks', eggsQc({ accepted: [{ gradeCode: 'C', quantity: 28 }] }), 422, 'GRADE_UNKNOWN', 'lines.0.accepted.0.gradeCode'],
      ['fractional pieces', eggsQc({ accepted: [{ gradeCode: 'A', quantity: '27.5' }, { gradeCode: 'B', quantity: '0.5' }] }), 422, 'QUANTITY_NOT_WHOLE_BASE_UNIT', 'lines.0.accepted.0.quantity'],
      ['reason OTHER without a note', eggsQc({ rejected: [{ reason: 'OTHER', quantity: 2, disposition: 'RETURNED_TO_FARMER' }] }), 422, 'QC_NOTE_REQUIRED', 'lines.0.rejected.0.note'],
      ['an unknown reject reason', eggsQc({ rejected: [{ reason: 'UGLY', quantity: 2, disposition: 'RETURNED_TO_FARMER' }] }), 400, 'VALIDATION_FAILED', 'lines.0.rejected.0.reason'],
      ['a missing disposition', eggsQc({ rejected: [{ reason: 'DAMAGED', quantity: 2 }] }), 400, 'VALIDATION_FAILED', 'lines.0.rejected.0.disposition'],
      ['a line the consignment lacks', eggsQc({ lineNo: 9 }), 422, 'LINE_NOT_FOUND', 'lines.0.lineNo'],
    ];
    it.each(cases)('should refuse %s and write nothing', async (_name, line, status, code, field) => {
      const cons = await newConsignment();
      const res = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [line] });
      expectErrorBody(res.body, status, code);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      const [{ n }] = await t.dataSource.query('SELECT COUNT(*) n FROM quality_check WHERE consignment_id = ?', [cons.id]);
      expect(Number(n)).toBe(0);
    });
  });

  it('should refuse QC on a voided consignment, and void after QC', async () => {
    const voided = await newConsignment();
    await c.agentA.post(`/api/v1/consignments/${voided.id}/void`, { reason: '录入错误' }).expect(200);
    expectErrorBody((await c.agentA.post(`/api/v1/consignments/${voided.id}/quality-checks`, { lines: [eggsQc()] })).body, 409, 'CONSIGNMENT_VOIDED');
    const inspected = await newConsignment();
    await c.agentA.post(`/api/v1/consignments/${inspected.id}/quality-checks`, { lines: [eggsQc()] }).expect(201);
    expectErrorBody((await c.agentA.post(`/api/v1/consignments/${inspected.id}/void`, { reason: '想作废' })).body, 409, 'CONSIGNMENT_ALREADY_INSPECTED');
  });

  it('should answer an identical retry with 200 and refuse a different second QC (409)', async () => {
    const cons = await newConsignment();
    const first = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc()] }).expect(201);
    const retry = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc()] });
    expect(retry.status).toBe(200);
    expect(retry.body.lines[0].qualityCheck.id).toBe(first.body.lines[0].qualityCheck.id);
    const other = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc({ accepted: [{ gradeCode: 'A', quantity: 28 }] })] });
    expectErrorBody(other.body, 409, 'LINE_ALREADY_INSPECTED');
    expect((await events('consignment.line_accepted', cons.id))).toHaveLength(2);
  });

  it('should keep QC to the agents of the point', async () => {
    const cons = await newConsignment();
    await c.agentB.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc()] }).expect(404);
    await c.manager.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc()] }).expect(403);
    await c.admin.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc()] }).expect(201);
  });

  it('should correct a QC as an amendment: new revision, before/after, reversal and new acceptance events', async () => {
    const cons = await newConsignment();
    const first = await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, { lines: [eggsQc()] }).expect(201);
    const oldGrades = first.body.lines[0].qualityCheck.accepted;
    const noReason = await c.agentA.post(`/api/v1/consignments/${cons.id}/lines/1/qc-corrections`, { accepted: [{ gradeCode: 'B', quantity: 28 }], rejected: [{ reason: 'DAMAGED', quantity: 2, disposition: 'RETURNED_TO_FARMER' }], checklist: { cracks: true, dirt: true, size: true } });
    expectErrorBody(noReason.body, 400, 'VALIDATION_FAILED');
    const res = await c.agentA.post(`/api/v1/consignments/${cons.id}/lines/1/qc-corrections`, {
      reason: '复检：一级品实为二级', accepted: [{ gradeCode: 'B', quantity: 28 }],
      rejected: [{ reason: 'DAMAGED', quantity: 2, disposition: 'RETURNED_TO_FARMER' }], checklist: { cracks: true, dirt: true, size: true },
    }).expect(201);
    expect(res.body.lines[0]).toEqual(expect.objectContaining({ acceptedQuantityBase: 28, acceptedAmountFen: 28 * 150 }));
    expect(res.body.lines[0].qualityCheck.revision).toBe(2);
    expect(res.body.amendments).toEqual([expect.objectContaining({
      kind: 'QC_CORRECTION', reason: '复检：一级品实为二级', actorId: org.users.agentA.id,
      before: expect.objectContaining({ acceptedAmountFen: first.body.lines[0].acceptedAmountFen }), after: expect.objectContaining({ acceptedAmountFen: 4200 }),
    })]);
    const reversed = await events('consignment.line_acceptance_reversed', cons.id);
    expect(reversed.map((e) => e.payload.sourceKey).sort()).toEqual(oldGrades.map((g: { id: string }) => `qc-grade:${g.id}`).sort());
    expect((await events('consignment.line_accepted', cons.id)).map((e) => e.payload.amountFen)).toEqual([...oldGrades.map((g: { amountFen: number }) => g.amountFen), 4200]);
    const rows = await t.dataSource.query('SELECT revision, superseded_at FROM quality_check WHERE line_id = ? ORDER BY revision', [res.body.lines[0].id]);
    expect(rows[0].superseded_at).toBeInstanceOf(Date);
    expect(rows[1].superseded_at).toBeNull();
    const uninspected = await newConsignment();
    expectErrorBody((await c.agentA.post(`/api/v1/consignments/${uninspected.id}/lines/1/qc-corrections`, { reason: '更正', ...eggsQc({ lineNo: undefined }) })).body, 409, 'LINE_NOT_CORRECTABLE');
  });

  it('should give the point a day sheet: per product and grade, accepted vs rejected, reasons; voided apart', async () => {
    const sheetOrg = await createTestOrg(t.dataSource);
    const s = await callersFor(t.http, { admin: sheetOrg.users.admin, agentA: sheetOrg.users.agentA, agentB: sheetOrg.users.agentB });
    const p = await createTestProducts(s.admin);
    const f = (await s.agentA.post('/api/v1/farmers', farmerBody(sheetOrg.regions.villageA.id, sheetOrg.pointA.id)).expect(201)).body.id;
    const make = async () => (await s.agentA.post('/api/v1/consignments', consignmentBody(sheetOrg.pointA.id, f, p)).expect(201)).body;
    const one = await make();
    const two = await make();
    const three = await make();
    await s.agentA.post(`/api/v1/consignments/${one.id}/quality-checks`, { lines: [eggsQc(), tzcQc()] }).expect(201);
    await s.agentA.post(`/api/v1/consignments/${two.id}/quality-checks`, { lines: [eggsQc({ accepted: [{ gradeCode: 'A', quantity: 20 }], rejected: [{ reason: 'SPOILED', quantity: 10, disposition: 'DISCARDED_WITH_CONSENT' }] })] }).expect(201);
    await s.agentA.post(`/api/v1/consignments/${three.id}/void`, { reason: '重复录入' }).expect(200);
    const day = businessDay(new Date(one.capturedAt));
    const sheet = await s.agentA.get(`/api/v1/points/${sheetOrg.pointA.id}/day-sheet?day=${day}`).expect(200);
    expect(sheet.body).toEqual(expect.objectContaining({ day, pointCode: 'HQG', consignmentCount: 2, voidedCount: 1, farmerCount: 1 }));
    const egg = sheet.body.products.find((x: { productId: string }) => x.productId === p.egg.id);
    expect(egg).toEqual(expect.objectContaining({
      productName: '土鸡蛋', deliveredQuantityBase: 60, acceptedQuantityBase: 48, rejectedQuantityBase: 12, uninspectedQuantityBase: 0,
      acceptedByGrade: [{ gradeCode: 'A', gradeName: '一级', quantityBase: 45, amountFen: 9000 }, { gradeCode: 'B', gradeName: '二级', quantityBase: 3, amountFen: 450 }],
    }));
    expect(egg.rejectedByReason).toEqual([{ reason: 'DAMAGED', reasonName: '破损', quantityBase: 2 }, { reason: 'SPOILED', reasonName: '变质', quantityBase: 10 }]);
    const tzc = sheet.body.products.find((x: { productId: string }) => x.productId === p.tzc.id);
    expect(tzc).toEqual(expect.objectContaining({ deliveredQuantityBase: 2500, acceptedQuantityBase: 1000, rejectedQuantityBase: 250, uninspectedQuantityBase: 1250 }));
    await s.agentB.get(`/api/v1/points/${sheetOrg.pointA.id}/day-sheet?day=${day}`).expect(404);
    const empty = await s.agentA.get(`/api/v1/points/${sheetOrg.pointA.id}/day-sheet?day=2020-01-01`).expect(200);
    expect(empty.body).toEqual(expect.objectContaining({ consignmentCount: 0, products: [] }));
  });
});
