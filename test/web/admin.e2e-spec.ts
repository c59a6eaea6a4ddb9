import { randomUUID } from 'crypto';
import { createTestOrg, TEST_PASSWORD, TestOrg, uniq } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { acceptEggs, drainAll } from '../support/ledger';
import { startWorker } from '../support/worker';
import { callersFor, Caller, login } from '../support/http';
import { fill, phone, shot, staffLogin, startWebHarness, WebHarness } from './browser';

/** The admin's screens: staff accounts, commerce points and approving single statements, in a real headless Chromium. */
describe('web app: admin users, points and statements (browser)', () => {
  let h: WebHarness;
  let org: TestOrg;
  let c: Record<keyof TestOrg['users'], Caller>;
  let products: TestProducts;

  beforeAll(async () => {
    h = await startWebHarness();
    org = await createTestOrg(h.dataSource);
    c = await callersFor(h.http, org.users);
    products = await createTestProducts(c.admin);
  });
  afterAll(async () => h?.shutdown());

  it('an admin creates an agent at a point (a taken username refused next to the field) and disables it; creates a point, edits its opening hours, deactivates it', async () => {
    const username = `web_agent_${uniq()}`;
    const code = `W${uniq().toUpperCase()}`.slice(0, 16);
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.admin.username, TEST_PASSWORD);
      await page.waitForURL('**/app/manager');
      await page.locator('[data-test="link-users"]').click();
      await page.waitForURL('**/app/manager/users');
      await page.locator('[data-test="new-user"]').click();
      // Nothing filled: refused on the phone, each message next to its field.
      await page.locator('[data-test="create-user"]').click();
      await page.locator('[data-test="points"] .van-field__error-message', { hasText: '请选择代办员所在服务点' }).waitFor();
      await fill(page, 'username', username);
      await fill(page, 'display-name', '周代办');
      await fill(page, 'password', TEST_PASSWORD);
      await page.locator(`[data-test="point-${org.pointA.code}"]`).click();
      await shot(page, 'admin-user-form');
      await page.locator('[data-test="create-user"]').click();
      await page.locator(`[data-test="user-${username}"]`, { hasText: org.pointA.name }).waitFor();
      await shot(page, 'admin-users');
      const [u] = await h.dataSource.query('SELECT id, role FROM staff_user WHERE username = ? AND company_id = ?', [username, org.company.id]);
      expect(u.role).toBe('AGENT');
      const assigned = await h.dataSource.query('SELECT point_id FROM user_point_assignment WHERE user_id = ?', [u.id]);
      expect(assigned.map((a: { point_id: string }) => String(a.point_id))).toEqual([org.pointA.id]);
      // The new agent logs in with the password the admin set.
      const session = await login(h.http, username, TEST_PASSWORD);
      expect(session.accessToken).toBeTruthy();

      // The same username again: the API's 409, its Chinese message under the username field.
      await page.locator('[data-test="new-user"]').click();
      await fill(page, 'username', username);
      await fill(page, 'display-name', '周代办二');
      await fill(page, 'password', TEST_PASSWORD);
      await page.locator(`[data-test="point-${org.pointA.code}"]`).click();
      await page.locator('[data-test="create-user"]').click();
      await page.locator('[data-test="username"] .van-field__error-message', { hasText: '已存在' }).waitFor();
      await page.locator('[data-test="form-error"]', { hasText: '用户名已存在' }).waitFor();
      await shot(page, 'admin-user-taken');
      // Disabled after a confirm: the account cannot log in any more.
      await page.locator(`[data-test="user-${username}"] [data-test="disable-user"]`).click();
      await page.locator('.van-dialog__confirm').click();
      await page.locator(`[data-test="user-${username}"]`, { hasText: '已停用' }).waitFor();
      const [disabled] = await h.dataSource.query('SELECT active FROM staff_user WHERE id = ?', [u.id]);
      expect(Number(disabled.active)).toBe(0);
      await expect(login(h.http, username, TEST_PASSWORD)).rejects.toThrow(/login .* failed/);

      // A new point, then its opening hours changed.
      await page.goto('/app/manager');
      await page.locator('[data-test="link-points"]').click();
      await page.waitForURL('**/app/manager/points');
      await page.locator('[data-test="new-point"]').click();
      // The village is found by name (the regions are the whole country's), then picked.
      await page.locator('[data-test="point-region-search"]').fill(org.regions.villageB.name);
      await page.locator(`[data-test="point-region"] option[value="${org.regions.villageB.id}"]`).waitFor({ state: 'attached' });
      await page.locator('[data-test="point-region"]').selectOption(org.regions.villageB.id);
      await fill(page, 'point-code', code);
      await fill(page, 'point-name', '网页新增服务点');
      await fill(page, 'point-center', '村党群服务中心');
      await fill(page, 'point-address', '桃江县修山镇村部');
      await fill(page, 'point-phone', '12345');
      await page.locator('[data-test="save-point"]').click();
      await page.locator('[data-test="point-phone"] .van-field__error-message').waitFor();
      await fill(page, 'point-phone', '0737-8123456');
      await page.locator('[data-test="save-point"]').click();
      const row = page.locator(`[data-test="point-row-${code}"]`);
      await row.waitFor();
      await row.locator('[data-test="edit-point"]').click();
      await fill(page, 'point-hours', '周一至周六 07:30-19:00');
      await page.locator('[data-test="save-point"]').click();
      await row.getByText('周一至周六 07:30-19:00').waitFor();
      await shot(page, 'admin-points');
      const [p] = await h.dataSource.query('SELECT opening_hours, contact_phone, region_id FROM commerce_point WHERE code = ? AND company_id = ?', [code, org.company.id]);
      expect(p).toEqual(expect.objectContaining({ opening_hours: '周一至周六 07:30-19:00', contact_phone: '0737-8123456' }));
      expect(String(p.region_id)).toBe(org.regions.villageB.id);
      // Deactivated after a confirm: gone from the active list, shown under 已停用.
      await row.locator('[data-test="deactivate-point"]').click();
      await page.locator('.van-dialog__confirm').click();
      await row.waitFor({ state: 'detached' });
      await page.locator('[data-test="active-filter"]').selectOption('false');
      await row.getByText('已停用').waitFor();
      const [off] = await h.dataSource.query('SELECT active FROM commerce_point WHERE code = ? AND company_id = ?', [code, org.company.id]);
      expect(Number(off.active)).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('an admin approves one statement of a run; the other stays pending', async () => {
    const farmers = [];
    for (const name of ['何秋菊', '邓永福']) {
      const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { name })).expect(201)).body;
      await acceptEggs(c.agentA, org.pointA.id, f.id, products, 30); // 6000 fen each
      farmers.push(f);
    }
    // The earnings are posted by the event handlers: a worker drains them before the run collects them.
    const worker = await startWorker();
    try {
      await drainAll(worker);
    } finally {
      await worker.close();
    }
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const run = (await c.admin.post('/api/v1/settlement-runs', { throughDay: today, periodKey: `web-admin-${randomUUID().slice(0, 8)}` })).body;
    const statements = (await c.admin.get(`/api/v1/settlement-runs/${run.id}/statements?limit=200`).expect(200)).body.items as Array<{ id: string; status: string }>;
    expect(statements.map((s) => s.status)).toEqual(['PENDING_APPROVAL', 'PENDING_APPROVAL']);
    const [first, second] = statements;

    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.admin.username, TEST_PASSWORD);
      await page.waitForURL('**/app/manager');
      await page.goto('/app/manager/settlement-runs');
      const runBlock = page.locator(`[data-test="run-${run.id}"]`);
      await runBlock.locator('[data-test="show-statements"]').click();
      await runBlock.locator(`[data-test="statement-${first.id}"] [data-test="approve-statement"]`).click();
      await page.locator('.van-dialog__confirm').click();
      await runBlock.locator(`[data-test="statement-${first.id}"] [data-test="statement-status"]`, { hasText: '已审核' }).waitFor();
      await runBlock.locator(`[data-test="statement-${second.id}"] [data-test="approve-statement"]`).waitFor();
      await shot(page, 'admin-run-statements');
      const rows = await h.dataSource.query('SELECT id, status FROM payout_statement WHERE run_id = ? ORDER BY id', [run.id]);
      expect(Object.fromEntries(rows.map((r: { id: string; status: string }) => [String(r.id), r.status]))).toEqual({
        [first.id]: 'APPROVED', [second.id]: 'PENDING_APPROVAL',
      });
    } finally {
      await context.close();
    }
  });
});
