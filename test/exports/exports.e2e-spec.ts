process.env.PAYOUT_BACKOFF_MS = '50';
// A small inline cap so the test can cross it with a handful of rows.
process.env.EXPORT_MAX_ROWS_INLINE = '3';
process.env.EXPORT_CHUNK_ROWS = '100';
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
import http from 'http';
import { AddressInfo } from 'net';
import request from 'supertest';
import { businessDay } from '../../src/common/business-day';
import { formatYuan } from '../../src/common/money';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TEST_PASSWORD, TestOrg } from '../factories/organization.factory';
import { arrival, upParcel } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { loginFarmer } from '../support/farmer-app';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { acceptEggs, drainAll } from '../support/ledger';
import { startWorker } from '../support/worker';

type Table = { headers: string[]; rows: Array<Record<string, string | number | Date | null>> };

/** Collects a binary body (xlsx) as a Buffer. */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (b: Buffer) => parts.push(b));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};

function parseCsv(text: string): Table {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const records: string[][] = parse(text.slice(1), { relax_column_count: false });
  const [headers, ...data] = records;
  return { headers, rows: data.map((r) => Object.fromEntries(headers.map((h, i) => [h, r[i]]))) };
}

async function parseXlsx(body: Buffer): Promise<Table & { sheet: ExcelJS.Worksheet }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0];
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Table['rows'] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(headers.map((h, i) => [h, (row.getCell(i + 1).value ?? null) as string | number | Date | null])));
  });
  return { headers, rows, sheet };
}

describe('Exports: CSV and Excel of every list, streamed and scoped; the printable statement (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB', Caller>;
  let products: TestProducts;
  let farmerA: { id: string; phone: string };
  let farmerA2: { id: string; phone: string };
  let farmerB: { id: string; phone: string };
  let runId: string;
  const statementOf: Record<string, string> = {};
  const today = businessDay(new Date());
  const INJECTION = '=HYPERLINK("http://evil.example","点我")';

  const csvOf = async (caller: Caller, url: string) => {
    const res = await caller.get(url).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".*\.csv"; filename\*=UTF-8''/);
    return parseCsv(res.text);
  };
  const xlsxOf = async (caller: Caller, url: string) => {
    const res = await caller.get(url).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return parseXlsx(res.body as Buffer);
  };
  const sumOf = (rows: Table['rows'], header: string) => rows.reduce((s, r) => s + Number(r[header]), 0);

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, manager: org.users.manager, agentA: org.users.agentA, agentB: org.users.agentB });
    products = await createTestProducts(c.admin);
    const farmer = async (agent: Caller, village: string, point: string) =>
      (await agent.post('/api/v1/farmers', farmerBody(village, point)).expect(201)).body as { id: string; phone: string };
    farmerA = await farmer(c.agentA, org.regions.villageA.id, org.pointA.id);
    farmerA2 = await farmer(c.agentA, org.regions.villageA.id, org.pointA.id);
    farmerB = await farmer(c.agentB, org.regions.villageB.id, org.pointB.id);
    await acceptEggs(c.agentA, org.pointA.id, farmerA.id, products, 10); // 2000 fen
    await acceptEggs(c.agentA, org.pointA.id, farmerA.id, products, 7); // 1400
    await acceptEggs(c.agentA, org.pointA.id, farmerA2.id, products, 33); // 6600
    await acceptEggs(c.agentB, org.pointB.id, farmerB.id, products, 12); // 2400
    // a consignment whose note a spreadsheet would run as a formula
    await c.agentA.post('/api/v1/consignments', {
      clientId: randomUUID(), pointId: org.pointA.id, farmerId: farmerA2.id, capturedAt: new Date(Date.now() - 30_000).toISOString(), note: INJECTION,
      lines: [{ productId: products.egg.id, quantity: 5, unit: '枚', gradeCode: 'A' }],
    }).expect(201);
    for (let i = 0; i < 2; i++) await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival()).expect(201);
    await c.agentB.post(`/api/v1/points/${org.pointB.id}/parcels`, arrival()).expect(201);
    for (const feeFen of [1200, 835, 0]) await c.agentA.post(`/api/v1/points/${org.pointA.id}/up-parcels`, upParcel({ feeFen })).expect(201);
    await drainAll(worker);
    runId = (await c.admin.post('/api/v1/settlement-runs', { throughDay: today, periodKey: 'export-1' }).expect(201)).body.id;
    await c.admin.post(`/api/v1/settlement-runs/${runId}/approve`).expect(200);
    const statements = (await c.admin.get(`/api/v1/settlement-runs/${runId}/statements?limit=200`).expect(200)).body.items;
    for (const s of statements as Array<{ id: string; farmerId: string }>) {
      statementOf[s.farmerId] = s.id;
      await c.admin.post(`/api/v1/statements/${s.id}/payout`).expect(201); // cash: awaiting hand-over
    }
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should export consignments as CSV with Chinese headers, yuan from exact fen, the same rows and total as the database, and guarded formulas', async () => {
    const table = await csvOf(c.admin, '/api/v1/consignments/export?format=csv');
    expect(table.headers).toEqual(['交售单ID', '收据号', '交售日期', '记录时间', '服务点编码', '服务点', '农户ID', '农户', '状态', '行数',
      '预估金额（元）', '预估金额（分）', '备注', '作废原因']);
    const [db] = await t.dataSource.query('SELECT COUNT(*) AS n, SUM(estimated_amount_fen) AS s FROM consignment WHERE company_id = ?', [org.company.id]);
    expect(table.rows).toHaveLength(Number(db.n));
    expect(sumOf(table.rows, '预估金额（分）')).toBe(Number(db.s));
    for (const r of table.rows) expect(r['预估金额（元）']).toBe(formatYuan(Number(r['预估金额（分）'])));
    // newest first, like the list
    const list = (await c.admin.get('/api/v1/consignments?limit=200').expect(200)).body.items.map((x: { id: string }) => x.id);
    expect(table.rows.map((r) => r['交售单ID'])).toEqual(list);
    const injected = table.rows.find((r) => String(r['备注']).includes('HYPERLINK'))!;
    expect(injected['备注']).toBe(`'${INJECTION}`);
    expect(table.rows.some((r) => r['状态'] === '已质检')).toBe(true);
    expect(table.rows[0]['记录时间']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('should export consignments as Excel that opens with Chinese headers, yuan cells formatted 0.00 and exact fen cells', async () => {
    const { headers, rows, sheet } = await xlsxOf(c.admin, `/api/v1/consignments/export?format=xlsx&pointId=${org.pointA.id}`);
    expect(headers).toContain('预估金额（元）');
    expect(headers).toContain('农户');
    const [db] = await t.dataSource.query('SELECT COUNT(*) AS n, SUM(estimated_amount_fen) AS s FROM consignment WHERE point_id = ?', [org.pointA.id]);
    expect(rows).toHaveLength(Number(db.n));
    expect(sumOf(rows, '预估金额（分）')).toBe(Number(db.s));
    const yuanCol = headers.indexOf('预估金额（元）') + 1;
    expect(sheet.getRow(2).getCell(yuanCol).numFmt).toBe('0.00');
    for (const r of rows) expect(Math.round(Number(r['预估金额（元）']) * 100)).toBe(r['预估金额（分）']);
    // the injected note is a plain string cell, never a formula
    const noteCol = headers.indexOf('备注') + 1;
    const noteCell = [...Array(sheet.rowCount - 1).keys()].map((i) => sheet.getRow(i + 2).getCell(noteCol)).find((cell) => String(cell.value ?? '').includes('HYPERLINK'))!;
    expect(noteCell.type).toBe(ExcelJS.ValueType.String);
    expect(noteCell.value).toBe(INJECTION);
    // times are Asia/Shanghai wall-clock times
    const capturedCol = headers.indexOf('记录时间') + 1;
    const first = (await c.admin.get(`/api/v1/consignments?limit=1&pointId=${org.pointA.id}`).expect(200)).body.items[0];
    const shown = sheet.getRow(2).getCell(capturedCol).value as Date;
    expect(shown.getTime() - new Date(first.capturedAt).getTime()).toBe(8 * 3600_000);
  });

  it("should give a scoped user only their rows, and 404 for anything out of scope", async () => {
    const b = await csvOf(c.agentB, '/api/v1/consignments/export');
    const [db] = await t.dataSource.query('SELECT COUNT(*) AS n FROM consignment WHERE point_id = ?', [org.pointB.id]);
    expect(b.rows).toHaveLength(Number(db.n));
    expect(b.rows.every((r) => r['服务点编码'] === org.pointB.code)).toBe(true);
    expect((await csvOf(c.agentA, `/api/v1/consignments/export?pointId=${org.pointB.id}`)).rows).toEqual([]);
    expectErrorBody((await c.agentA.get(`/api/v1/points/${org.pointB.id}/parcels/export`)).body, 404);
    expectErrorBody((await c.agentB.get(`/api/v1/statements/${statementOf[farmerA.id]}/print`)).body, 404);
    expectErrorBody((await c.admin.get('/api/v1/settlement-runs/999999999/statements/export')).body, 404);
    expectErrorBody((await c.agentA.get('/api/v1/audit-logs/export')).body, 403);
    const statementsB = await csvOf(c.agentB, '/api/v1/statements/export');
    expect(statementsB.rows.map((r) => r['农户ID'])).toEqual([farmerB.id]);
    const payoutsB = await xlsxOf(c.agentB, '/api/v1/payouts/export?format=xlsx');
    expect(payoutsB.rows.map((r) => r['农户ID'])).toEqual([farmerB.id]);
  });

  it('should export statements and payouts with the same count and total as the database', async () => {
    const [st] = await t.dataSource.query('SELECT COUNT(*) AS n, SUM(total_fen) AS s FROM payout_statement WHERE run_id = ?', [runId]);
    const farmers = await t.dataSource.query(
      'SELECT s.id, f.name, v.name AS village FROM payout_statement s JOIN farmer f ON f.id = s.farmer_id JOIN region v ON v.id = f.village_region_id WHERE s.run_id = ?', [runId]);
    for (const url of [`/api/v1/settlement-runs/${runId}/statements/export`, `/api/v1/statements/export?runId=${runId}`]) {
      const csv = await csvOf(c.admin, url);
      expect(csv.rows).toHaveLength(Number(st.n));
      expect(sumOf(csv.rows, '结算金额（分）')).toBe(Number(st.s));
      expect(csv.rows.every((r) => r['结算期间'] === 'export-1' && r['状态'] === '支付中')).toBe(true);
      expect(csv.rows.map((r) => [r['结算单ID'], r['农户'], r['村']]).sort()).toEqual(farmers.map((f: Record<string, unknown>) => [String(f.id), f.name, f.village]).sort());
    }
    const xlsx = await xlsxOf(c.admin, `/api/v1/settlement-runs/${runId}/statements/export?format=xlsx`);
    expect(sumOf(xlsx.rows, '结算金额（分）')).toBe(Number(st.s));
    const [po] = await t.dataSource.query('SELECT COUNT(*) AS n, SUM(amount_fen) AS s FROM payout WHERE company_id = ?', [org.company.id]);
    for (const table of [await csvOf(c.manager, '/api/v1/payouts/export'), await xlsxOf(c.admin, '/api/v1/payouts/export?format=xlsx')]) {
      expect(table.rows).toHaveLength(Number(po.n));
      expect(sumOf(table.rows, '打款金额（分）')).toBe(Number(po.s));
      expect(table.rows.every((r) => r['渠道'] === '现金' && r['状态'] === '待现金交付')).toBe(true);
    }
  });

  it('should export down and up parcels with masked phones and exact fees, and the audit log for admins', async () => {
    const parcels = await csvOf(c.agentA, `/api/v1/points/${org.pointA.id}/parcels/export`);
    expect(parcels.rows).toHaveLength(2);
    expect(parcels.rows.every((r) => /^139\*{4}\d{4}$/.test(String(r['收件人手机'])) && r['状态'] === '待取件' && r['快递公司'] !== '')).toBe(true);
    const px = await xlsxOf(c.manager, `/api/v1/points/${org.pointA.id}/parcels/export?format=xlsx&status=AWAITING_PICKUP`);
    expect(px.rows).toHaveLength(2);
    const up = await csvOf(c.agentA, `/api/v1/points/${org.pointA.id}/up-parcels/export`);
    expect(up.rows.map((r) => r['运费（分）']).sort()).toEqual(['0', '1200', '835']);
    expect(up.rows.map((r) => r['运费（元）']).sort()).toEqual(['0.00', '12.00', '8.35']);
    expect(up.rows.every((r) => /^139\*{4}\d{4}$/.test(String(r['寄件人手机'])) && r['状态'] === '已登记')).toBe(true);
    const upX = await xlsxOf(c.admin, `/api/v1/points/${org.pointA.id}/up-parcels/export?format=xlsx`);
    expect(sumOf(upX.rows, '运费（分）')).toBe(2035);
    expectErrorBody((await c.agentB.get(`/api/v1/points/${org.pointA.id}/up-parcels/export`)).body, 404);
    const [au] = await t.dataSource.query("SELECT COUNT(*) AS n FROM audit_log WHERE company_id = ? AND entity_type = 'consignment'", [org.company.id]);
    const audit = await csvOf(c.admin, '/api/v1/audit-logs/export?entityType=consignment');
    expect(audit.rows).toHaveLength(Number(au.n));
    expect(audit.headers).toEqual(['日志ID', '时间', '操作人类型', '操作人ID', '角色', '对象类型', '对象ID', '操作', '变更内容', '原因', '请求ID']);
    const all = await xlsxOf(c.admin, '/api/v1/audit-logs/export?format=xlsx');
    const [total] = await t.dataSource.query('SELECT COUNT(*) AS n FROM audit_log WHERE company_id = ?', [org.company.id]);
    expect(all.rows).toHaveLength(Number(total.n));
  });

  it('should refuse a buffered export above EXPORT_MAX_ROWS_INLINE and send small ones with a Content-Length', async () => {
    const res = await c.admin.get('/api/v1/consignments/export?delivery=inline');
    expectErrorBody(res.body, 422, 'EXPORT_TOO_LARGE');
    expect(res.body.details[0].field).toBe('delivery');
    const ok = await c.agentA.get(`/api/v1/points/${org.pointA.id}/parcels/export?delivery=inline&format=xlsx`).buffer(true).parse(binary).expect(200);
    expect(Number(ok.headers['content-length'])).toBe((ok.body as Buffer).length);
    expect((await parseXlsx(ok.body as Buffer)).rows).toHaveLength(2);
    // the streamed download has no cap
    expect((await csvOf(c.admin, '/api/v1/consignments/export?delivery=stream')).rows.length).toBeGreaterThan(3);
    expectErrorBody((await c.admin.get('/api/v1/consignments/export?format=pdf')).body, 400);
    expectErrorBody((await c.admin.get('/api/v1/consignments/export?limit=5')).body, 400);
  });

  it('should stream a list larger than one chunk in keyset order without losing or repeating a row', async () => {
    // 250 audit rows over chunks of 100 (EXPORT_CHUNK_ROWS in this file)
    const values = Array.from({ length: 250 }, (_, i) => [org.company.id, 'system', 'export_test', String(i), 'touch', '[]']);
    await t.dataSource.query('INSERT INTO audit_log (company_id, actor_kind, entity_type, entity_id, action, changes) VALUES ?', [values]);
    const csv = await csvOf(c.admin, '/api/v1/audit-logs/export?entityType=export_test');
    expect(csv.rows).toHaveLength(250);
    const ids = csv.rows.map((r) => BigInt(String(r['日志ID'])));
    expect(new Set(ids).size).toBe(250);
    expect(ids.every((id, i) => i === 0 || id < ids[i - 1])).toBe(true);
  });

  it('should stop reading and free its connection when the client goes away mid-download', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => [org.company.id, 'system', 'abort_test', String(i), 'touch', JSON.stringify([{ field: 'note', before: null, after: 'x'.repeat(200) }])]);
    await t.dataSource.query('INSERT INTO audit_log (company_id, actor_kind, entity_type, entity_id, action, changes) VALUES ?', [values]);
    const server = t.http.listening ? t.http : t.http.listen(0);
    const { port } = server.address() as AddressInfo;
    const token = (await request(t.http).post('/api/v1/auth/login').send({ username: org.users.admin.username, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    // More aborted downloads than the pool has connections (DB_POOL_SIZE 20): a leaked connection would hang what follows.
    const abortOnce = (format: string) => new Promise<number>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/audit-logs/export?entityType=abort_test&format=${format}`, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.once('data', (chunk: Buffer) => { req.destroy(); resolve(chunk.length); });
      });
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    });
    for (let i = 0; i < 24; i++) expect(await abortOnce(i % 2 ? 'xlsx' : 'csv')).toBeGreaterThan(0);
    const csv = await csvOf(c.admin, '/api/v1/audit-logs/export?entityType=abort_test');
    expect(csv.rows).toHaveLength(3000);
  });

  it("should print a farmer's statement as one Chinese page with its items, total and payout status, for staff in scope and the farmer", async () => {
    const id = statementOf[farmerA.id];
    const res = await c.agentA.get(`/api/v1/statements/${id}/print`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('农户结算单');
    expect(html).toContain(org.company.name);
    expect(html).toContain(`${farmerA.phone.slice(0, 3)}****${farmerA.phone.slice(-4)}`);
    expect(html).not.toContain(farmerA.phone);
    expect(html).toContain('土鸡蛋');
    expect(html).toContain('10 枚');
    expect(html).toContain('7 枚');
    expect(html).toContain('2.00 元/枚');
    expect(html).toContain('20.00');
    expect(html).toContain('14.00');
    expect(html).toMatch(/id="total">34\.00</);
    expect(html).toContain('待现金交付');
    expect(html).toContain('export-1');
    expect(html).toContain('@page');
    const farmer = await loginFarmer(t.http, t.dataSource, farmerA.phone);
    expect((await farmer.get(`/api/v1/me/statements/${id}/print`).expect(200)).text).toMatch(/id="total">34\.00</);
    expectErrorBody((await farmer.get(`/api/v1/me/statements/${statementOf[farmerB.id]}/print`)).body, 404);
    expectErrorBody((await farmer.get(`/api/v1/statements/${id}/print`)).body, 403);
  });

  it('should export a dashboard as CSV and Excel with the same rows and totals as the live dashboard, scoped, past the live range limit', async () => {
    await c.admin.post('/api/v1/reports/rollups/rebuild', { from: today, to: today }).expect(200);
    const q = `scope=point&pointId=${org.pointA.id}&from=${today}&to=${today}`;
    const live = (await c.agentA.get(`/api/v1/dashboards/intake?${q}`).expect(200)).body as { rows: Array<{ amountFen: number; quantityBase: number }> };
    expect(live.rows.length).toBeGreaterThan(0);
    const liveFen = live.rows.reduce((s, r) => s + r.amountFen, 0);
    expect(liveFen).toBeGreaterThanOrEqual(3400);
    const csv = await csvOf(c.agentA, `/api/v1/dashboards/intake/export?${q}`);
    expect(csv.headers).toEqual(expect.arrayContaining(['产品', '等级', '金额（元）', '金额（分）']));
    expect(csv.rows).toHaveLength(live.rows.length);
    expect(sumOf(csv.rows, '金额（分）')).toBe(liveFen);
    const xlsx = await xlsxOf(c.admin, `/api/v1/dashboards/intake/export?format=xlsx&${q}`);
    expect(xlsx.rows).toHaveLength(live.rows.length);
    expect(sumOf(xlsx.rows, '金额（分）')).toBe(liveFen);
    expect(sumOf(xlsx.rows, '数量（基本单位）')).toBe(live.rows.reduce((s, r) => s + r.quantityBase, 0));
    // percentages: basis points live, a fraction shown as a percent in the export
    const qcLive = (await c.admin.get(`/api/v1/dashboards/qc?${q}`).expect(200)).body as { rows: Array<{ passRateBp: number | null }> };
    const qcCsv = await csvOf(c.admin, `/api/v1/dashboards/qc/export?${q}`);
    expect(qcCsv.rows[0]['合格率']).toBe(`${(qcLive.rows[0].passRateBp! / 100).toFixed(2)}%`);
    // out of scope: 404 before a byte is sent; a long range is refused live and exported
    expectErrorBody((await c.agentB.get(`/api/v1/dashboards/intake/export?${q}`)).body, 404);
    const longRange = `scope=point&pointId=${org.pointA.id}&from=2024-01-01&to=${today}`;
    expectErrorBody((await c.agentA.get(`/api/v1/dashboards/intake?${longRange}`)).body, 422, 'REPORT_RANGE_TOO_LONG');
    expect(sumOf((await csvOf(c.agentA, `/api/v1/dashboards/intake/export?${longRange}`)).rows, '金额（分）')).toBe(liveFen);
  });
});
