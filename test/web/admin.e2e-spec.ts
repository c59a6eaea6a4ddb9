import { randomUUID } from 'crypto';
import { createTestOrg, TEST_PASSWORD, TestOrg, uniq } from '../factories/organization.factory';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { acceptEggs, drainAll } from '../support/ledger';
import { startWorker } from '../support/worker';
import { as, callersFor, Caller, login } from '../support/http';
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

  /** A phone with the admin logged in, on one of the manager's screens. */
  async function adminOn(screen: string) {
    const { context, page } = await phone(h);
    try {
      await staffLogin(page, org.users.admin.username, TEST_PASSWORD);
      await page.waitForURL('**/app/manager');
      await page.goto(screen);
      return { context, page };
    } catch (err) {
      await context.close();
      throw err;
    }
  }

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

  it('an admin edits an agent: a malformed phone and a too-long name refused in Chinese, then renamed, moved off a deactivated point to another, phone cleared, password reset; disabled, then re-enabled; never their own status or password', async () => {
    const username = `web_edit_${uniq()}`;
    const created = (await c.admin.post('/api/v1/users', {
      username, displayName: '龚代办', phone: '13807370011', password: TEST_PASSWORD, role: 'AGENT', pointIds: [org.pointA.id, org.pointC.id],
    }).expect(201)).body as { id: string };
    // Point C closes after the agent was put there: the point picker (active points) no longer lists it.
    await c.admin.post(`/api/v1/points/${org.pointC.id}/deactivate`).expect(200);
    const newPassword = 'Reset@password-456';
    const dbRow = async () => {
      const [u] = await h.dataSource.query('SELECT display_name, phone, active FROM staff_user WHERE id = ?', [created.id]);
      const points = await h.dataSource.query('SELECT point_id FROM user_point_assignment WHERE user_id = ?', [created.id]);
      return { displayName: u.display_name, phone: u.phone, active: Number(u.active), pointIds: points.map((a: { point_id: string }) => String(a.point_id)).sort() };
    };
    const untouched = await dbRow();
    expect(untouched).toEqual({ displayName: '龚代办', phone: '13807370011', active: 1, pointIds: [org.pointA.id, org.pointC.id].sort() });

    const { context, page } = await adminOn('/app/manager/users');
    try {
      const row = page.locator(`[data-test="user-${username}"]`);
      await row.locator('[data-test="edit-user"]').click();
      await page.locator('[data-test="edit-title"]', { hasText: `修改 龚代办（${username}）` }).waitFor();
      // The username and the role are not edited (the API takes neither); the rest starts from the account.
      expect(await page.locator('[data-test="username"] input').isDisabled()).toBe(true);
      expect(await page.locator('[data-test="role"]').isDisabled()).toBe(true);
      expect(await page.locator('[data-test="user-phone"] input').inputValue()).toBe('13807370011');

      // A malformed phone: refused on the phone, next to the field, nothing sent.
      await fill(page, 'user-phone', '1380737');
      await page.locator('[data-test="save-user"]').click();
      await page.locator('[data-test="user-phone"] .van-field__error-message', { hasText: '请输入 11 位手机号' }).waitFor();
      // A name longer than the API's 64 characters: the API's 400, shown like the create form shows it.
      await fill(page, 'user-phone', '13807370012');
      await fill(page, 'display-name', '龚'.repeat(65));
      await page.locator('[data-test="save-user"]').click();
      await page.locator('[data-test="form-error"]', { hasText: '请求参数有误：displayName' }).waitFor();
      await page.locator('[data-test="display-name"] .van-field__error-message').waitFor();
      await shot(page, 'admin-user-edit-refused');
      expect(await dbRow()).toEqual(untouched);
      await login(h.http, username, TEST_PASSWORD);

      // Renamed, moved from points A and C (shown, though closed, so it can be unticked) to B, phone emptied, a new password.
      await fill(page, 'display-name', '龚晓红');
      await fill(page, 'user-phone', '');
      await page.locator(`[data-test="point-${org.pointA.code}"]`).click();
      await page.locator(`[data-test="point-${org.pointC.id}"]`, { hasText: '已停用' }).click();
      await page.locator(`[data-test="point-${org.pointB.code}"]`).click();
      await fill(page, 'password', newPassword);
      await shot(page, 'admin-user-edit');
      await page.locator('[data-test="save-user"]').click();
      await row.filter({ hasText: '龚晓红' }).filter({ hasText: org.pointB.name }).waitFor();
      await page.locator('[data-test="edit-title"]').waitFor({ state: 'detached' });
      expect(await dbRow()).toEqual({ displayName: '龚晓红', phone: null, active: 1, pointIds: [org.pointB.id] });
      // The agent logs in with the new password only, and works at point B.
      await expect(login(h.http, username, TEST_PASSWORD)).rejects.toThrow(/login .* failed/);
      const agent = as(h.http, (await login(h.http, username, newPassword)).accessToken);
      expect((await agent.get('/api/v1/auth/me').expect(200)).body.pointIds).toEqual([org.pointB.id]);

      // Disabled from the list, then re-enabled from the edit form: the agent logs in again.
      await row.locator('[data-test="disable-user"]').click();
      await page.locator('.van-dialog__confirm').click();
      await row.filter({ hasText: '已停用' }).waitFor();
      await expect(login(h.http, username, newPassword)).rejects.toThrow(/login .* failed/);
      await row.locator('[data-test="edit-user"]').click();
      expect(await page.locator('[data-test="user-active"]').inputValue()).toBe('false');
      await page.locator('[data-test="user-active"]').selectOption('true');
      await page.locator('[data-test="save-user"]').click();
      await row.locator('[data-test="disable-user"]').waitFor();
      expect((await dbRow()).active).toBe(1);
      await login(h.http, username, newPassword);

      // One's own account: name and phone only, no status and no password reset.
      await page.locator(`[data-test="user-${org.users.admin.username}"] [data-test="edit-user"]`).click();
      await page.locator('[data-test="self-note"]').waitFor();
      expect(await page.locator('[data-test="user-active"]').count()).toBe(0);
      expect(await page.locator('[data-test="password"]').count()).toBe(0);
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
    const statements = (await c.admin.get(`/api/v1/settlement-runs/${run.id}/statements?limit=200`).expect(200)).body.items as Array<{ id: string; farmerId: string; status: string }>;
    expect(statements.map((s) => s.status)).toEqual(['PENDING_APPROVAL', 'PENDING_APPROVAL']);
    const [first, second] = statements;

    const { context, page } = await adminOn('/app/manager/settlement-runs');
    try {
      const runBlock = page.locator(`[data-test="run-${run.id}"]`);
      await runBlock.locator('[data-test="show-statements"]').click();
      // Each statement shows whose it is: the farmer's name and village, from the list's own answer.
      const names = Object.fromEntries(farmers.map((f) => [f.id, f.name]));
      for (const s of statements) {
        await runBlock.locator(`[data-test="statement-${s.id}"]`, { hasText: `${names[s.farmerId]}（花桥港村）` }).waitFor();
      }
      await runBlock.locator(`[data-test="statement-${first.id}"] [data-test="approve-statement"]`).click();
      await page.locator('.van-dialog', { hasText: `${names[first.farmerId]}（花桥港村） 的结算单 ${first.id}` }).waitFor();
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
