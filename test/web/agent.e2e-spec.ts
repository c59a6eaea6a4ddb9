import { createTestOrg, TEST_PASSWORD, TestOrg } from '../factories/organization.factory';
import { createTestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { callersFor, Caller } from '../support/http';
import { fill, phone, shot, staffLogin, startWebHarness, WebHarness } from './browser';

/** The agent at the counter, in a real headless Chromium against the real API, MariaDB and Redis. */
describe('web app: agent (browser)', () => {
  let h: WebHarness;
  let org: TestOrg;
  let c: Record<keyof TestOrg['users'], Caller>;
  let farmer: { id: string; name: string; phone: string };

  const consignments = async (farmerId: string) =>
    h.dataSource.query('SELECT id, client_id, status, receipt_no FROM consignment WHERE farmer_id = ? ORDER BY id', [farmerId]) as Promise<Array<{ id: string; client_id: string; status: string; receipt_no: string }>>;

  beforeAll(async () => {
    h = await startWebHarness();
    org = await createTestOrg(h.dataSource);
    c = await callersFor(h.http, org.users);
    await createTestProducts(c.admin);
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
      await page.getByText('查看').click();
      await page.waitForURL('**/app/agent/queue');
      await expect(page.locator('[data-test="queue-item"]').count()).resolves.toBe(1);
      await expect(page.locator('[data-test="queue-item"]').textContent()).resolves.toContain('豆腐乳4瓶');
      await shot(page, 'agent-offline-queue');
      expect((await consignments(farmer.id)).length).toBe(before);

      await context.setOffline(false);
      await page.locator('[data-test="synced-item"]').waitFor();
      await page.locator('[data-test="queue-empty"]').waitFor();
      await shot(page, 'agent-synced');
      const after = await consignments(farmer.id);
      expect(after.length).toBe(before + 1);
      await expect(page.locator('[data-test="synced-item"]').textContent()).resolves.toContain(after[after.length - 1].receipt_no);

      // A second sync (another online event, a reload) sends nothing again.
      await page.evaluate('window.dispatchEvent(new Event("online"))');
      await page.reload();
      await page.locator('[data-test="queue-empty"]').waitFor();
      expect((await consignments(farmer.id)).length).toBe(before + 1);
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
});
