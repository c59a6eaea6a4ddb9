import fs from 'fs';
import { randomUUID } from 'crypto';
import { createTestOrg, TEST_PASSWORD, TestOrg } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { dispatchedBatch, inspectedConsignment } from '../factories/batch.factory';
import { lotFromFarmers } from '../factories/lot.factory';
import { arrival, upParcel } from '../factories/parcel.factory';
import { lastCode } from '../support/farmer-app';
import { callersFor, Caller } from '../support/http';
import { fill, phone, shot, staffLogin, startWebHarness, WebHarness } from './browser';

/** Warehouse staff, a farmer, a manager and the public trace page, in a real headless Chromium. */
describe('web app: warehouse, farmer, manager, trace (browser)', () => {
  let h: WebHarness;
  let org: TestOrg;
  let c: Record<keyof TestOrg['users'], Caller>;
  let products: TestProducts;
  let farmer: { id: string; name: string; phone: string };
  let lot: { lotId: string; packs: number };
  const yuanText = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('zh-CN')}.${String(fen % 100).padStart(2, '0')}`;

  beforeAll(async () => {
    h = await startWebHarness();
    org = await createTestOrg(h.dataSource);
    c = await callersFor(h.http, org.users);
    products = await createTestProducts(c.admin);
    farmer = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { name: '吴金兰' })).expect(201)).body;
    // Goods of this farmer packed into a lot and one pack sold in the store: a sale, farmer money, a chart.
    const sku = (await c.admin.post('/api/v1/skus', { code: 'DFR-3', name: '豆腐乳 3瓶装', productId: products.dfr.id, contentUnit: 'JAR', contentBasePerPack: 3 }).expect(201)).body;
    lot = await lotFromFarmers({ agent: c.agentA, warehouseStaff: c.warehouseStaff },
      { pointId: org.pointA.id, warehouseId: org.warehouse1.id, productId: products.dfr.id, skuId: sku.id, jarsPerPack: 3 }, [farmer.id], [6]);
    const store = (await c.admin.post('/api/v1/sales-channels', { kind: 'STORE', name: '益阳门店', warehouseId: org.warehouse1.id }).expect(201)).body;
    await c.warehouseStaff.post(`/api/v1/sales-channels/${store.id}/sales`, { clientId: randomUUID(), lines: [{ skuId: sku.id, packs: 1, unitPriceFen: 5999 }] }).expect(201);
  });
  afterAll(async () => h?.shutdown());

  it('warehouse staff receive a batch line by line, one line with damaged goods', async () => {
    const cons = await inspectedConsignment(c.agentA, org.pointA.id, farmer.id, products);
    const batch = await dispatchedBatch(c.agentA, org.pointA.id, org.warehouse1.id, cons.lines.map((l) => l.id));
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.warehouseStaff.username, TEST_PASSWORD);
      await page.waitForURL('**/app/warehouse');
      await page.locator('[data-test="incoming-batch"]').first().waitFor();
      await shot(page, 'warehouse-incoming');
      await page.goto(`/app/warehouse/batches/${batch.id}`);
      const eggs = page.locator('[data-test^="receive-line-"]', { hasText: '土鸡蛋' });
      await eggs.locator('[data-test="received"] input').fill('27');
      await eggs.locator('[data-test="damaged"] input').fill('4');
      await page.locator('[data-test="save-receipt"]').click();
      // 27 + 4 is more than the 30 shipped: refused before sending, shown next to the field.
      await eggs.getByText('不能超过待收').waitFor();
      await eggs.locator('[data-test="damaged"] input').fill('3');
      await eggs.locator('[data-test="cause-DAMAGED"]').click();
      await shot(page, 'warehouse-receive');
      await page.locator('[data-test="save-receipt"]').click();
      await page.locator('[data-test="all-accounted"]').waitFor();
      await page.locator('[data-test="batch-status"]', { hasText: '已完成' }).waitFor();
      await page.locator('[data-test="losses"]').waitFor();
      await shot(page, 'warehouse-received');

      const losses = await h.dataSource.query('SELECT cause, quantity_base FROM transit_loss WHERE batch_id = ?', [batch.id]);
      expect(losses.map((l: Record<string, unknown>) => [l.cause, Number(l.quantity_base)])).toEqual([['DAMAGED', 3]]);
      const items = await h.dataSource.query('SELECT product_id, received_base, damaged_base, accounted FROM batch_item WHERE batch_id = ? ORDER BY id', [batch.id]);
      expect(items.map((i: Record<string, unknown>) => [String(i.product_id), Number(i.received_base), Number(i.damaged_base), Number(i.accounted)])).toEqual([
        [products.egg.id, 27, 3, 1], [products.tzc.id, 1250, 0, 1], [products.dfr.id, 2, 0, 1],
      ]);
      const [b] = await h.dataSource.query('SELECT status FROM batch WHERE id = ?', [batch.id]);
      expect(b.status).toBe('CLOSED');
      // Sorting/packing: the 27 good eggs into 10-egg boxes, 7 left over as loss with a reason.
      await c.admin.post('/api/v1/skus', { code: 'EGG-10', name: '土鸡蛋 10枚装', productId: products.egg.id, contentUnit: 'PIECE', contentBasePerPack: 10 }).expect(201);
      await page.goto('/app/warehouse/packing');
      await page.locator('[data-test="pack-batch"]', { hasText: batch.batchNo }).click();
      await page.locator('[data-test="pack-product-EGG"]').click();
      await fill(page, 'packs', '2');
      await page.locator('[data-test="loss"]', { hasText: '7枚' }).waitFor();
      await page.locator('[data-test="pack"]').click();
      await page.locator('[data-test="loss-reason"]', { hasText: '有损耗时请写明原因' }).waitFor();
      await fill(page, 'loss-reason', '凑不满一盒');
      await page.locator('[data-test="pack"]').click();
      await page.locator('[data-test="created-lot"]').waitFor();
      await shot(page, 'warehouse-packing');
      const [packed] = await h.dataSource.query('SELECT l.id, l.packs_produced FROM lot l JOIN sku s ON s.id = l.sku_id WHERE s.code = ? AND s.company_id = ?', ['EGG-10', org.company.id]);
      expect(Number(packed.packs_produced)).toBe(2);
      await page.locator('[data-test="created-lot"]').click();
      await page.locator('[data-test="lot-contributor"]', { hasText: cons.receiptNo }).waitFor();
      await expect(page.locator('[data-test="lot-contributor"]').textContent()).resolves.toContain('吴金兰');
      await shot(page, 'warehouse-lot-trace');
      await page.goto('/app/warehouse/stock');
      await page.getByText('豆腐乳 3瓶装').first().waitFor();
      await shot(page, 'warehouse-stock');
    } finally {
      await context.close();
    }
  });

  it('a farmer logs in with the SMS code and sees the sale and the balance', async () => {
    const money = (await c.admin.get(`/api/v1/farmers/${farmer.id}/money`).expect(200)).body as { balanceFen: number };
    expect(money.balanceFen).toBeGreaterThan(0);
    const { context, page } = await phone(h);
    try {
      await page.goto('/app/farmer/login');
      await fill(page, 'phone', farmer.phone);
      await page.locator('[data-test="send-code"]').click();
      await page.getByText(/\d+ 秒/).waitFor();
      const code = await lastCode(h.dataSource, farmer.phone);
      expect(code).toMatch(/^\d{6}$/);
      // A wrong code is refused with the API's message; what was typed stays.
      await fill(page, 'code', code === '000000' ? '111111' : '000000');
      await page.locator('[data-test="farmer-login"]').click();
      await page.locator('[data-test="form-error"]').waitFor();
      await expect(page.locator('[data-test="phone"] input').inputValue()).resolves.toBe(farmer.phone);
      await fill(page, 'code', code!);
      await shot(page, 'farmer-login');
      await page.locator('[data-test="farmer-login"]').click();
      await page.waitForURL('**/app/farmer');
      await page.locator('[data-test="balance"]', { hasText: yuanText(money.balanceFen) }).waitFor();
      await page.locator('[data-test="earning-row"]', { hasText: '门店' }).waitFor();
      await shot(page, 'farmer-home');
      await page.getByRole('tab', { name: '交售' }).click();
      await page.getByText('豆腐乳 6瓶').first().waitFor();
      await shot(page, 'farmer-consignments');
    } finally {
      await context.close();
    }
  });

  it('a manager sees the dashboards API figures in the charts and downloads the CSV of one', async () => {
    // Parcels down and up at point A (the station's live counters), then the roll-ups.
    for (const body of [arrival(), arrival({ carrierCode: 'YD' }), arrival()]) await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, body).expect(201);
    await c.agentA.post(`/api/v1/points/${org.pointA.id}/up-parcels`, upParcel()).expect(201);
    // The dashboards read the daily roll-ups: rebuild the days of this file's data first (as the jobs would).
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    await c.admin.post('/api/v1/reports/rollups/rebuild', { from, to: today }).expect(200);
    const q = `scope=region&from=${from}&to=${today}&regionId=${org.regions.city.id}`;
    const sales = (await c.manager.get(`/api/v1/dashboards/sales-by-channel?${q}`).expect(200)).body as { rows: Array<{ revenueFen: number }> };
    const revenueFen = sales.rows.reduce((s, r) => s + r.revenueFen, 0);
    expect(revenueFen).toBe(5999);
    const intake = (await c.manager.get(`/api/v1/dashboards/intake?${q}`).expect(200)).body as { rows: Array<{ amountFen: number }> };
    const intakeFen = intake.rows.reduce((s, r) => s + r.amountFen, 0);
    expect(intakeFen).toBeGreaterThan(0);
    const parcels = (await c.manager.get(`/api/v1/dashboards/parcels?${q}`).expect(200)).body as { rows: Array<{ downCount: number; upCount: number }> };
    const down = parcels.rows.reduce((s, r) => s + r.downCount, 0);
    const up = parcels.rows.reduce((s, r) => s + r.upCount, 0);
    expect([down, up]).toEqual([3, 1]);

    const { context, page } = await phone(h);
    try {
      const asked: string[] = [];
      page.on('request', (r) => { if (r.url().includes('/api/v1/dashboards/')) asked.push(new URL(r.url()).pathname + new URL(r.url()).search); });
      await staffLogin(page, org.users.manager.username, TEST_PASSWORD);
      await page.waitForURL('**/app/manager');
      // The region manager's own region is the default scope, the last 30 days the default range.
      await expect(page.locator('[data-test="scope"] option:checked').textContent()).resolves.toBe('本区域');
      await page.locator('[data-test="total-revenue"]', { hasText: yuanText(revenueFen) }).waitFor();
      await page.locator('[data-test="total-intake"]', { hasText: yuanText(intakeFen) }).waitFor();
      await page.locator('[data-test="parcel-totals"]', { hasText: `${down} / ${up}（25.00%）` }).waitFor();
      expect(asked).toContain(`/api/v1/dashboards/sales-by-channel?${q}`);
      for (const chart of ['chart-intake', 'chart-qc', 'chart-sales-channel', 'chart-sales-day', 'chart-earnings', 'chart-parcels']) {
        await page.locator(`[data-test="${chart}"] canvas`).waitFor();
      }
      await page.waitForTimeout(800); // the charts animate in
      await shot(page, 'manager-dashboard');

      // The chart's CSV: fetched with the bearer token and saved from a blob; its fen column sums to the dashboard's.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-sales-by-channel-csv"]').click()]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
      const [header, ...lines] = csv.split('\r\n').filter(Boolean).map((l) => l.split(','));
      const fenAt = header.indexOf('销售额（分）');
      expect(fenAt).toBeGreaterThanOrEqual(0);
      expect(lines.reduce((s, l) => s + Number(l[fenAt]), 0)).toBe(revenueFen);
      // A list export from the same screen.
      const [list] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-consignments-xlsx"]').click()]);
      expect(list.suggestedFilename()).toMatch(/\.xlsx$/);
      expect(fs.readFileSync((await list.path())!).subarray(0, 2).toString()).toBe('PK');

      // Another scope: one point of the region; the figures follow the API for that point.
      const pointQ = `scope=point&from=${from}&to=${today}&pointId=${org.pointA.id}`;
      const pointSales = (await c.manager.get(`/api/v1/dashboards/sales-by-channel?${pointQ}`).expect(200)).body as { rows: Array<{ revenueFen: number }> };
      await page.locator('[data-test="scope"]').selectOption({ label: org.pointA.name });
      await page.locator('[data-test="total-revenue"]', { hasText: yuanText(pointSales.rows.reduce((s, r) => s + r.revenueFen, 0)) }).waitFor();
      // The range: today only (the sale was today); a reversed range is refused on the screen.
      const todayAsked = page.waitForRequest((r) => r.url().includes(`/dashboards/sales-by-channel?scope=point&from=${today}&to=${today}&pointId=${org.pointA.id}`));
      await page.locator('[data-test="from"]').fill(today);
      await todayAsked;
      await page.locator('[data-test="total-revenue"]', { hasText: yuanText(pointSales.rows.reduce((s, r) => s + r.revenueFen, 0)) }).waitFor();
      await page.locator('[data-test="to"]').fill(from);
      await page.getByText('开始日期不能晚于结束日期').waitFor();
      await page.locator('[data-test="to"]').fill(today);
      await shot(page, 'manager-dashboard-point');

      await page.goto('/app/manager/settlement-runs');
      await page.getByText('结算批次').first().waitFor();
      await shot(page, 'manager-settlement-runs');
    } finally {
      await context.close();
    }
  });

  it('an admin approves the settlement run; the agent hands over the cash payout with the farmer SMS code', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const run = (await c.admin.post('/api/v1/settlement-runs', { throughDay: today, periodKey: `web-${randomUUID().slice(0, 8)}` })).body;
    const [statement] = (await c.admin.get(`/api/v1/farmers/${farmer.id}/statements`).expect(200)).body.items;
    expect(statement).toEqual(expect.objectContaining({ runId: run.id, status: 'PENDING_APPROVAL', totalFen: 5400 }));

    const admin = await phone(h);
    try {
      await staffLogin(admin.page, org.users.admin.username, TEST_PASSWORD);
      await admin.page.waitForURL('**/app/manager');
      await admin.page.goto('/app/manager/settlement-runs');
      await admin.page.locator('[data-test="approve-run"]').first().click();
      await admin.page.locator('.van-dialog__confirm').click();
      await admin.page.getByText('已审核').first().waitFor();
      await shot(admin.page, 'manager-settlement-runs');
      // The run's statements as CSV: the statement's exact fen in it.
      const [file] = await Promise.all([admin.page.waitForEvent('download'), admin.page.locator('[data-test="export-run-statements-csv"]').first().click()]);
      expect(fs.readFileSync((await file.path())!, 'utf8')).toContain(',5400,');
      const [r] = await h.dataSource.query('SELECT approved_at FROM settlement_run WHERE id = ?', [run.id]);
      expect(r.approved_at).not.toBeNull();
    } finally {
      await admin.context.close();
    }

    const payout = (await c.admin.post(`/api/v1/statements/${statement.id}/payout`).expect(201)).body;
    expect(payout).toEqual(expect.objectContaining({ channel: 'CASH', status: 'AWAITING_HANDOVER' }));
    const [ev] = await h.dataSource.query(`SELECT payload FROM outbox_event WHERE event_type = 'payout.cash_code_issued' AND aggregate_id = ?`, [payout.id]);
    const code = (typeof ev.payload === 'string' ? JSON.parse(ev.payload) : ev.payload).code as string;

    const agent = await phone(h);
    try {
      await staffLogin(agent.page, org.users.agentA.username, TEST_PASSWORD);
      await agent.page.waitForURL('**/app/agent');
      await agent.page.goto('/app/agent/cash-payouts');
      await fill(agent.page, 'cash-phone', farmer.phone);
      await agent.page.locator('[data-test="cash-find"]').click();
      // A wrong code: the API's Chinese message next to the code field.
      await fill(agent.page, 'cash-code', code === '123456' ? '654321' : '123456');
      await agent.page.locator('[data-test="cash-confirm"]').click();
      await agent.page.locator('[data-test="cash-code"] .van-field__error-message').waitFor();
      await fill(agent.page, 'cash-code', code);
      await agent.page.locator('[data-test="cash-confirm"]').click();
      await agent.page.locator('[data-test="cash-payout"]', { hasText: '已付' }).waitFor();
      await shot(agent.page, 'agent-cash-payout');
      const [p] = await h.dataSource.query('SELECT status FROM payout WHERE id = ?', [payout.id]);
      expect(p.status).toBe('PAID');
    } finally {
      await agent.context.close();
    }
  });

  it('shows the public trace page of a lot from its QR code, without logging in', async () => {
    const [row] = await h.dataSource.query('SELECT trace_code FROM lot WHERE id = ?', [lot.lotId]);
    const { context, page } = await phone(h);
    try {
      await page.goto(`/app/t/${row.trace_code}`);
      await page.locator('[data-test="trace"]', { hasText: '豆腐乳' }).waitFor();
      await page.getByText('吴**').waitFor();
      await shot(page, 'trace');
      await page.goto('/app/t/ZZZZZZZZZZZZ');
      await page.locator('[data-test="trace-error"]').waitFor();
    } finally {
      await context.close();
    }
  });
});
