import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DomainEventHandlers } from '../../src/outbox/domain-event-handlers';
import { DomainEventJob } from '../../src/queues/queue-names';
import { TimedJobsRegistry } from '../../src/scheduling/timed-jobs.registry';
import { TimedJobsScheduler } from '../../src/scheduling/timed-jobs.scheduler';
import { TimedJobsService } from '../../src/scheduling/timed-jobs.service';
import { WorkerModule } from '../../src/worker.module';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { as, login } from '../support/http';
import { drainEvents } from '../support/worker';

async function eventually<T>(probe: () => Promise<T | undefined | null | false>, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The real worker process module (outbox relay, domain-event processor, timed jobs) against the
 * real database and Redis, next to the API.
 */
describe('Worker: outbox delivery and timed jobs (e2e)', () => {
  let api: TestApp;
  let workers: INestApplicationContext[];
  let org: TestOrg;
  const handled: DomainEventJob[] = [];
  let runs = 0;
  const jobName = `test.once-${process.pid}`;

  beforeAll(async () => {
    api = await createTestApp();
    org = await createTestOrg(api.dataSource);
    // Three worker instances, as three servers would run them.
    workers = [];
    for (let i = 0; i < 3; i++) {
      const ctx = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
      ctx.get(TimedJobsRegistry).register({
        name: jobName, cron: '0 3 * * *', description: 'test job',
        run: async () => { runs++; await new Promise((r) => setTimeout(r, 200)); return { runs }; },
      });
      ctx.get(DomainEventHandlers).register('commerce_point.created', async (e) => { handled.push(e); });
      await ctx.init();
      workers.push(ctx);
    }
  });

  afterAll(async () => {
    for (const w of workers) await w.close();
    await api.close();
  });

  it('should deliver a committed change to its event handler through the outbox and the queue', async () => {
    const admin = as(api.http, (await login(api.http, org.users.admin.username)).accessToken);
    const created = await admin.post('/api/v1/points', {
      regionId: org.regions.villageA.id, code: 'WRK1', name: '测试点', serviceCenterName: '中心', address: '地址', contactPhone: '13800000005', openingHours: '08:00-18:00',
    }).expect(201);
    await drainEvents(workers[0]);
    const delivered = handled.filter((e) => e.aggregateId === created.body.id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].payload).toEqual(expect.objectContaining({ pointId: created.body.id, code: 'WRK1' }));
  });

  it('should run a timed job once when three instances fire the same slot at once', async () => {
    const slot = new Date('2026-11-23T19:00:07.000Z');
    await Promise.all(workers.map((w) => w.get(TimedJobsScheduler).fire(jobName, slot)));
    const row = await eventually(async () => {
      const rows = await api.dataSource.query('SELECT status, attempts, outcome FROM job_run WHERE job_name = ?', [jobName]);
      return rows[0]?.status === 'SUCCEEDED' ? rows : undefined;
    });
    expect(row).toHaveLength(1);
    expect(runs).toBe(1);
    // A redelivered job for the same slot (every instance trying again) does not run it again.
    const again = await Promise.all(workers.map((w) => w.get(TimedJobsService).runSlot(jobName, '2026-11-23T19:00Z')));
    expect(again.every((r) => !r.ran)).toBe(true);
    expect(runs).toBe(1);
  });

  it('should record a failed run and let the retry take it over', async () => {
    const name = `test.flaky-${process.pid}`;
    let calls = 0;
    workers[0].get(TimedJobsRegistry).register({
      name, cron: '0 4 * * *', description: 'fails once',
      run: async () => { calls++; if (calls === 1) throw new Error('第一次失败 first attempt fails'); return { ok: true }; },
    });
    const service = workers[0].get(TimedJobsService);
    await expect(service.runSlot(name, '2026-11-23T20:00Z')).rejects.toThrow('first attempt fails');
    const failed = await api.dataSource.query('SELECT status, error FROM job_run WHERE job_name = ?', [name]);
    expect(failed[0]).toEqual(expect.objectContaining({ status: 'FAILED', error: expect.stringContaining('first attempt fails') }));
    await expect(service.runSlot(name, '2026-11-23T20:00Z')).resolves.toEqual({ ran: true, status: 'SUCCEEDED' });
    const done = await api.dataSource.query('SELECT status, attempts FROM job_run WHERE job_name = ?', [name]);
    expect(done[0]).toEqual(expect.objectContaining({ status: 'SUCCEEDED', attempts: 2 }));
  });

  it('should show runs to admins only', async () => {
    const admin = as(api.http, (await login(api.http, org.users.admin.username)).accessToken);
    const res = await admin.get(`/api/v1/admin/job-runs?jobName=${jobName}`).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ jobName, slot: '2026-11-23T19:00Z', status: 'SUCCEEDED' })]);
    const agent = as(api.http, (await login(api.http, org.users.agentA.username)).accessToken);
    await agent.get('/api/v1/admin/job-runs').expect(403);
  });
});
