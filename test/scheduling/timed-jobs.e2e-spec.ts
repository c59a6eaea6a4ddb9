import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';

/** The timed jobs issue 8 asks for are registered (once-per-slot running is tested in test/foundation/worker.e2e-spec.ts). */
describe('Timed jobs: the registered schedule (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
  });
  afterAll(() => t.close());

  it('should register the daily digest, overdue reminders, stale-batch alerts, reconciliation and settlement proposals, visible to admins only', async () => {
    const res = await c.admin.get('/api/v1/admin/timed-jobs').expect(200);
    const byName = new Map((res.body as Array<{ name: string; cron: string }>).map((j) => [j.name, j.cron]));
    expect(Object.fromEntries(['notifications.sales-digest', 'parcels.overdue-reminders', 'batching.stale-batch-alerts', 'ledger.reconcile', 'settlement.weekly-run']
      .map((name) => [name, byName.get(name)]))).toEqual({
      'notifications.sales-digest': '0 20 * * *',
      'parcels.overdue-reminders': '0 * * * *',
      'batching.stale-batch-alerts': '5 * * * *',
      'ledger.reconcile': '15 3 * * *',
      'settlement.weekly-run': '0 2 * * 1',
    });
    await c.agentA.get('/api/v1/admin/timed-jobs').expect(403);
  });
});
