import { createTestOrg, TEST_PASSWORD, TestOrg } from '../factories/organization.factory';
import { randomUUID } from 'crypto';
import { inspectedConsignment } from '../factories/batch.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { callersFor, Caller } from '../support/http';
import { fill, phone, shot, staffLogin, startWebHarness, WebHarness } from './browser';

/** The agent at the counter, in a real headless Chromium against the real API, MariaDB and Redis. */
describe('web app: agent (browser)', () => {
  let h: WebHarness;
  let org: TestOrg;
  let c: Record<keyof TestOrg['users'], Caller>;
  let farmer: { id: string; name: string; phone: string };
  let products: TestProducts;

  const consignments = async (farmerId: string) =>
    h.dataSource.query('SELECT id, client_id, status, receipt_no FROM consignment WHERE farmer_id = ? ORDER BY id', [farmerId]) as Promise<Array<{ id: string; client_id: string; status: string; receipt_no: string }>>;

  beforeAll(async () => {
    h = await startWebHarness();
    org = await createTestOrg(h.dataSource);
    c = await callersFor(h.http, org.users);
    products = await createTestProducts(c.admin);
    farmer = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { name: '吴金兰' })).expect(201)).body;
  });
  afterAll(async () => h?.shutdown());

  it('serves the app under /app with history fallback and a CSP, and leaves the API alone', async () => {
    const res = await fetch(`${h.baseUrl}/app/agent/intake`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${h.baseUrl}/app/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/api/v1/auth/me`)).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/docs-json`)).status).toBe(200);
  });

  it('logs a consignment with QC and shows the receipt', async () => {
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      await shot(page, 'agent-home');
      await page.locator('[data-test="go-intake"]').click();
      await page.waitForURL('**/app/agent/intake');

      // A wrong quantity is caught before sending, next to the field.
      await fill(page, 'farmer-search', farmer.phone);
      await page.locator('[data-test="farmer-search-go"]').click();
      await page.locator('[data-test="farmer-result"]').first().click();
      await page.locator('[data-test="product-EGG"]').click();
      await page.locator('[data-test="unit-枚"]').click();
      await fill(page, 'quantity', '1.5');
      await page.locator('[data-test="add-line"]').click();
      await expect(page.locator('[data-test="quantity"]').textContent()).resolves.toContain('必须是整');
      await fill(page, 'quantity', '30');
      await page.locator('[data-test="add-line"]').click();
      await page.locator('[data-test="product-TZC"]').click();
      await page.locator('[data-test="unit-斤"]').click();
      await fill(page, 'quantity', '2.5');
      await page.locator('[data-test="add-line"]').click();
      await expect(page.locator('[data-test="line"]').count()).resolves.toBe(2);
      await shot(page, 'agent-intake');
      await page.locator('[data-test="save-consignment"]').click();

      await page.waitForURL(/\/app\/agent\/consignments\/\d+$/);
      const receiptNo = (await page.locator('[data-test="receipt-no"]').textContent())!.trim();
      expect(receiptNo).toMatch(/^HQG-\d{8}-\d{4}$/);
      // QC: 2 eggs cracked and returned, the 坛子菜 accepted in full; every checklist item answered.
      await page.locator('[data-test="qc-line-1"] [data-test="check-cracks"]').click(); // cracks found
      await page.locator('[data-test="accepted-1"] input').fill('28');
      await page.locator('[data-test="rejected-1"] input').fill('2');
      await shot(page, 'agent-qc');
      await page.locator('[data-test="save-qc"]').click();
      await page.locator('[data-test="receipt-status"]', { hasText: '已质检' }).waitFor();
      await shot(page, 'agent-receipt');
      await page.goto('/app/agent/day-sheet');
      await page.locator('[data-test="day-sheet"]', { hasText: '1 单' }).waitFor();
      await page.getByText('合格金额').first().waitFor();
      await shot(page, 'agent-day-sheet');

      const [row] = await consignments(farmer.id);
      expect(row).toEqual(expect.objectContaining({ receipt_no: receiptNo, status: 'INSPECTED' }));
      const lines = await h.dataSource.query('SELECT line_no, accepted_quantity_base, rejected_quantity_base FROM consignment_line WHERE consignment_id = ? ORDER BY line_no', [row.id]);
      expect(lines.map((l: Record<string, unknown>) => [l.line_no, Number(l.accepted_quantity_base), Number(l.rejected_quantity_base)])).toEqual([[1, 28, 2], [2, 1250, 0]]);
      const [qc] = await h.dataSource.query('SELECT checklist FROM quality_check WHERE line_id = (SELECT id FROM consignment_line WHERE consignment_id = ? AND line_no = 1)', [row.id]);
      expect(typeof qc.checklist === 'string' ? JSON.parse(qc.checklist) : qc.checklist).toEqual({ cracks: false, dirt: true, size: true });
    } finally {
      await context.close();
    }
  });

  it('keeps a consignment on the phone while offline and syncs it once when the network returns', async () => {
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      await page.locator('[data-test="go-intake"]').click();
      await fill(page, 'farmer-search', farmer.phone);
      await page.locator('[data-test="farmer-search-go"]').click();
      await page.locator('[data-test="farmer-result"]').first().click();
      await page.locator('[data-test="product-DFR"]').click();
      await page.locator('[data-test="unit-瓶"]').click();
      await fill(page, 'quantity', '4');
      await page.locator('[data-test="add-line"]').click();
      const before = (await consignments(farmer.id)).length;

      await context.setOffline(true);
      await page.locator('[data-test="offline-banner"]').waitFor();
      await page.locator('[data-test="save-consignment"]').click();
      await page.locator('[data-test="queue-count"]', { hasText: '1' }).waitFor();
      // The form is cleared for the next farmer; the consignment waits in IndexedDB.
      await expect(page.locator('[data-test="line"]').count()).resolves.toBe(0);
      // A parcel arrives too: registered offline, its pickup code comes with the sync.
      const waybillNo = `ZT${Date.now()}`.slice(0, 16);
      await page.getByText('返回').click();
      await page.waitForURL('**/app/agent');
      await page.getByText('快递', { exact: true }).click();
      await page.waitForURL('**/app/agent/parcels');
      await fill(page, 'waybill', waybillNo);
      await fill(page, 'recipient', '吴金兰');
      await fill(page, 'recipient-phone', '13907375678');
      await page.locator('[data-test="arrive"]').click();
      await page.getByText('到件已存入离线队列').waitFor();
      await page.getByText('工作台').click();
      await page.locator('[data-test="go-queue"]').click();
      await page.waitForURL('**/app/agent/queue');
      await expect(page.locator('[data-test="queue-item"]').count()).resolves.toBe(2);
      await expect(page.locator('[data-test="queue-item"]').first().textContent()).resolves.toContain('豆腐乳4瓶');
      await shot(page, 'agent-offline-queue');
      expect((await consignments(farmer.id)).length).toBe(before);
      expect(await h.dataSource.query('SELECT id FROM down_parcel WHERE waybill_no = ?', [waybillNo])).toEqual([]);

      await context.setOffline(false);
      await page.locator('[data-test="synced-item"]').nth(1).waitFor();
      await page.locator('[data-test="queue-empty"]').waitFor();
      await shot(page, 'agent-synced');
      const after = await consignments(farmer.id);
      expect(after.length).toBe(before + 1);
      await page.locator('[data-test="synced-item"]', { hasText: after[after.length - 1].receipt_no }).waitFor();
      const parcels = await h.dataSource.query('SELECT pickup_code FROM down_parcel WHERE waybill_no = ?', [waybillNo]);
      expect(parcels.length).toBe(1);
      await page.locator('[data-test="synced-item"]', { hasText: `取件码 ${parcels[0].pickup_code}` }).waitFor();

      // A second sync (another online event, a reload) sends nothing again.
      await page.evaluate('window.dispatchEvent(new Event("online"))');
      await page.reload();
      await page.locator('[data-test="queue-empty"]').waitFor();
      expect((await consignments(farmer.id)).length).toBe(before + 1);
      expect((await h.dataSource.query('SELECT id FROM down_parcel WHERE waybill_no = ?', [waybillNo])).length).toBe(1);

      // The service worker keeps the app shell: with no network the app still opens.
      await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
      await context.setOffline(true);
      await page.goto('/app/agent/queue');
      await page.locator('[data-test="queue-empty"]').waitFor();
      await page.getByText('工作台').click();
      await page.locator('[data-test="go-intake"]').click();
      await page.locator('[data-test="offline-banner"]').waitFor();
      await page.locator('[data-test="product-DFR"]').waitFor();
      await context.setOffline(false);
    } finally {
      await context.close();
    }
  });

  it('opens a batch, loads the inspected consignment, seals and dispatches it', async () => {
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      await page.locator('[data-test="go-batches"]').click();
      await fill(page, 'warehouse-id', org.warehouse1.id);
      await page.locator('[data-test="open-batch-go"]').click();
      await page.waitForURL(/\/app\/agent\/batches\/\d+$/);
      const batchId = page.url().split('/').pop()!;
      const [inspected] = (await consignments(farmer.id)).filter((r) => r.status === 'INSPECTED');
      await page.locator('[data-test="ready-consignment"]', { hasText: inspected.receipt_no }).getByText('装车').click();
      // Both accepted lines (28 eggs, 1250 g 坛子菜) go in.
      await page.locator('[data-test="batch-item"]').nth(1).waitFor();
      await page.locator('[data-test="seal"]').click();
      await page.locator('[data-test="batch-status"]', { hasText: '已封车' }).waitFor();
      await page.locator('[data-test="dispatch"]').click();
      await page.locator('[data-test="plate"]', { hasText: '请输入车牌号' }).waitFor();
      await fill(page, 'plate', '湘H·12345');
      await fill(page, 'driver', '李师傅');
      await fill(page, 'driver-phone', '13907371234');
      await page.locator('[data-test="dispatch"]').click();
      await page.locator('[data-test="batch-status"]', { hasText: '运输中' }).waitFor();
      await shot(page, 'agent-batch');
      const [b] = await h.dataSource.query('SELECT status, vehicle_plate FROM batch WHERE id = ?', [batchId]);
      expect(b).toEqual({ status: 'DISPATCHED', vehicle_plate: '湘H·12345' });
      const items = await h.dataSource.query('SELECT quantity_base FROM batch_item WHERE batch_id = ? ORDER BY id', [batchId]);
      expect(items.map((i: Record<string, unknown>) => Number(i.quantity_base))).toEqual([28, 1250]);
    } finally {
      await context.close();
    }
  });

  it('registers a parcel arrival, hands it out by pickup code, and registers and hands over an up parcel', async () => {
    const { context, page } = await phone(h);
    const waybillNo = `ZT${Date.now()}`.slice(0, 16);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      await page.goto('/app/agent/parcels');
      await fill(page, 'waybill', ` ${waybillNo.toLowerCase()} `);
      await fill(page, 'recipient', '吴金兰');
      await fill(page, 'recipient-phone', '13907371234');
      await page.locator('[data-test="arrive"]').click();
      const code = (await page.locator('[data-test="pickup-code"]').textContent())!.trim();
      expect(code).toMatch(/^\d+-\d+-\d+$/);
      await shot(page, 'agent-parcel-arrival');
      await page.getByRole('tab', { name: '取件' }).click();
      await fill(page, 'code', code);
      await fill(page, 'phone-last4', '1234');
      await page.locator('[data-test="pickup"]').click();
      await page.locator('[data-test="collected"]').waitFor();
      const [parcel] = await h.dataSource.query('SELECT status, pickup_code FROM down_parcel WHERE waybill_no = ? AND point_id = ?', [waybillNo, org.pointA.id]);
      expect(parcel).toEqual({ status: 'COLLECTED', pickup_code: code });

      await page.getByRole('tab', { name: '寄件' }).click();
      const upWaybill = `YD${Date.now()}`.slice(0, 15);
      await fill(page, 'up-waybill', upWaybill);
      await fill(page, 'up-sender', '吴金兰');
      await fill(page, 'up-phone', '13907371234');
      await fill(page, 'up-province', '广东省');
      await fill(page, 'up-city', '深圳市');
      await fill(page, 'up-weight', '2.5');
      await fill(page, 'up-fee', '12.5');
      await fill(page, 'up-contents', '土鸡蛋 30 枚');
      await page.locator('[data-test="up-save"]').click();
      await page.locator('[data-test="up-saved"]').waitFor();
      const [up] = await h.dataSource.query('SELECT weight_g, fee_fen, carrier_id FROM up_parcel WHERE waybill_no = ?', [upWaybill]);
      expect([Number(up.weight_g), Number(up.fee_fen)]).toEqual([2500, 1250]);
      const [carrier] = await h.dataSource.query('SELECT code FROM carrier WHERE id = ?', [up.carrier_id]);
      await page.getByRole('tab', { name: '交接' }).click();
      await page.locator(`[data-test="ho-carrier-${carrier.code}"]`).click();
      await fill(page, 'ho-name', '王师傅');
      await fill(page, 'ho-phone', '13807379999');
      await fill(page, 'ho-signature', '王建国');
      await page.locator('[data-test="ho-save"]').click();
      await page.locator('[data-test="ho-done"]', { hasText: upWaybill }).waitFor();
      await shot(page, 'agent-handover');
    } finally {
      await context.close();
    }
  });

  it('registers a new farmer; the API\'s Chinese error shows next to the field and nothing typed is lost', async () => {
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      await page.goto('/app/agent/intake');
      await page.locator('[data-test="new-farmer"]').click();
      await fill(page, 'nf-name', '李秋菊');
      await fill(page, 'nf-phone', '1390000');
      await page.locator('[data-test="nf-save"]').click();
      await page.locator('[data-test="nf-phone"]', { hasText: '请输入 11 位手机号' }).waitFor();
      // Someone else's number: the server refuses (409) and its message lands next to the phone field.
      await fill(page, 'nf-phone', farmer.phone);
      await page.locator('[data-test="nf-save"]').click();
      await page.locator('[data-test="nf-phone"]', { hasText: '已登记' }).waitFor();
      await expect(page.locator('[data-test="form-error"]').textContent()).resolves.toContain('该手机号已登记');
      await expect(page.locator('[data-test="nf-name"] input').inputValue()).resolves.toBe('李秋菊');
      await shot(page, 'agent-field-error');
      const newPhone = `13${String(Date.now()).slice(-9)}`;
      await fill(page, 'nf-phone', newPhone);
      await page.locator('[data-test="nf-save"]').click();
      await page.locator('[data-test="chosen-farmer"]', { hasText: '李秋菊' }).waitFor();
      const [row] = await h.dataSource.query('SELECT name, usual_point_id FROM farmer WHERE phone = ? AND company_id = ?', [newPhone, org.company.id]);
      expect(row).toEqual({ name: '李秋菊', usual_point_id: org.pointA.id });
    } finally {
      await context.close();
    }
  });

  it('shows what the server refused, and why, for a queued consignment', async () => {
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      // A consignment queued on this phone earlier whose farmer the server does not know.
      await page.evaluate(`new Promise((resolve, reject) => {
        const req = indexedDB.open('vc-offline', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('consignments', { keyPath: 'clientId' });
        req.onsuccess = () => {
          const tx = req.result.transaction('consignments', 'readwrite');
          const clientId = crypto.randomUUID();
          tx.objectStore('consignments').put({ clientId, summary: '无此农户：土鸡蛋10枚', queuedAt: new Date().toISOString(), status: 'WAITING',
            body: { clientId, pointId: '${org.pointA.id}', farmerId: '999999999', capturedAt: new Date().toISOString(), lines: [{ productId: '1', quantity: '10', unit: '枚', gradeCode: 'A' }] } });
          tx.oncomplete = () => { req.result.close(); resolve(true); };
          tx.onerror = () => reject(tx.error);
        };
      })`);
      await page.goto('/app/agent/queue');
      await page.locator('[data-test="queue-item"]', { hasText: '被拒收' }).waitFor();
      await shot(page, 'agent-rejected');
    } finally {
      await context.close();
    }
  });

  it('gives unsold consignment goods back to the farmer: part of the 坛子菜, exactly; never the purchased eggs', async () => {
    // 30 枚 土鸡蛋 (purchase), 2.5 斤 坛子菜 and 2 瓶 豆腐乳 (consignment), all accepted at QC.
    const cons = await inspectedConsignment(c.agentA, org.pointA.id, farmer.id, products);
    const handBacks = () => h.dataSource.query('SELECT line_no, quantity_base, note, client_id, farmer_id FROM goods_hand_back WHERE consignment_id = ? ORDER BY id', [cons.id]);
    const handedBack = async () => (await h.dataSource.query('SELECT line_no, handed_back_quantity_base FROM consignment_line WHERE consignment_id = ? ORDER BY line_no', [cons.id]))
      .map((l: Record<string, unknown>) => [l.line_no, Number(l.handed_back_quantity_base)]);
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.agentA.username, TEST_PASSWORD);
      await page.waitForURL('**/app/agent');
      await page.goto(`/app/agent/consignments/${cons.id}`);
      const tzc = page.locator('[data-test="hand-back-2"]');
      await tzc.getByText('留在服务点 2.5斤').waitFor();
      await page.locator('[data-test="hand-back-3"]').getByText('留在服务点 2瓶').waitFor();
      // The eggs were bought: the company's, nothing to give back.
      await expect(page.locator('[data-test="hand-back-1"]').count()).resolves.toBe(0);
      await expect(page.locator('[data-test="hand-back-open"]').count()).resolves.toBe(2);

      // Offline: the action waits for the network.
      await context.setOffline(true);
      await page.locator('[data-test="hand-back-offline"]').first().waitFor();
      await expect(tzc.locator('[data-test="hand-back-open"]').isDisabled()).resolves.toBe(true);
      await context.setOffline(false);
      await page.locator('[data-test="hand-back-offline"]').first().waitFor({ state: 'hidden' });

      await tzc.locator('[data-test="hand-back-open"]').click();
      // Default: all that is at the point, in the line's unit.
      await expect(tzc.locator('[data-test="hand-back-quantity"] input').inputValue()).resolves.toBe('2.5');
      await fill(page, 'hand-back-quantity', '1.001'); // 500.5 g
      await tzc.locator('[data-test="hand-back-save"]').click();
      await tzc.locator('[data-test="hand-back-quantity"]', { hasText: '必须是整克数' }).waitFor();
      await fill(page, 'hand-back-quantity', '1');
      await fill(page, 'hand-back-note', '寄售期满未售出，农户先领回 1 斤');
      await shot(page, 'agent-hand-back');
      await tzc.locator('[data-test="hand-back-save"]').click();
      await page.locator('.van-dialog', { hasText: '把 坛子菜 1斤 退还给 吴金兰' }).waitFor();
      await page.locator('.van-dialog__confirm').click();
      await page.locator('[data-test="handed-back-2"]', { hasText: '已退还 1斤' }).waitFor();
      await tzc.getByText('留在服务点 1.5斤 · 已退还 1斤').waitFor();
      await shot(page, 'agent-handed-back');
      const [row, ...more] = await handBacks();
      expect(more).toEqual([]);
      expect(row).toEqual(expect.objectContaining({ line_no: 2, quantity_base: 500, note: '寄售期满未售出，农户先领回 1 斤', farmer_id: farmer.id }));
      expect(row.client_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(await handedBack()).toEqual([[1, 0], [2, 500], [3, 0]]);

      // Another phone gives back a jar of 豆腐乳 meanwhile: the server's refusal of both jars shows in Chinese.
      const dfr = page.locator('[data-test="hand-back-3"]');
      await dfr.locator('[data-test="hand-back-open"]').click();
      await c.agentA.post(`/api/v1/consignments/${cons.id}/lines/3/hand-backs`, { clientId: randomUUID(), quantityBase: 1 }).expect(201);
      await dfr.locator('[data-test="hand-back-save"]').click();
      await page.locator('.van-dialog__confirm').click();
      await dfr.locator('[data-test="hand-back-quantity"]', { hasText: '超过留在服务点的数量' }).waitFor();
      expect(await handedBack()).toEqual([[1, 0], [2, 500], [3, 1]]);
    } finally {
      await context.close();
    }
  });
});
