import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { OutboxRelayService } from '../../src/outbox/outbox-relay.service';
import { outboxJobId, QUEUES } from '../../src/queues/queue-names';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { as, login } from '../support/http';
import { freePort, TcpProxy } from '../support/tcp-proxy';

/**
 * The app talks to Redis through a proxy this test can cut, so "Redis unreachable" is real:
 * connections are refused, while the shared Redis keeps serving other test files.
 */
describe('Transactional outbox (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let proxy: TcpProxy;
  let queue: Queue;
  let relay: OutboxRelayService;
  const saved = { REDIS_PORT: process.env.REDIS_PORT, OUTBOX_QUEUE_TIMEOUT_MS: process.env.OUTBOX_QUEUE_TIMEOUT_MS };

  beforeAll(async () => {
    proxy = new TcpProxy(await freePort(), Number(process.env.REDIS_PORT ?? 6379));
    await proxy.start();
    Object.assign(process.env, { REDIS_PORT: String(proxy.port), OUTBOX_QUEUE_TIMEOUT_MS: '500' });
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    queue = t.app.get<Queue>(getQueueToken(QUEUES.DOMAIN_EVENTS));
    relay = t.app.get(OutboxRelayService);
  });

  afterAll(async () => {
    await proxy.start().catch(() => undefined);
    await t.close();
    await proxy.stop();
    Object.assign(process.env, saved);
  });

  const pointBody = (code: string) => ({
    regionId: org.regions.villageA.id, code, name: `${code}服务点`, serviceCenterName: '花桥港村党群服务中心',
    address: '花桥港村', contactPhone: '13800000004', openingHours: '08:00-18:00',
  });
  const eventOf = async (pointId: string) =>
    (await t.dataSource.query(`SELECT id, status, relay_attempts AS attempts FROM outbox_event WHERE aggregate_type = 'commerce_point' AND aggregate_id = ?`, [pointId]))[0];

  it('should commit the change and keep its event pending while Redis is unreachable, then deliver it exactly once', async () => {
    const admin = as(t.http, (await login(t.http, org.users.admin.username)).accessToken);
    // drain everything earlier files of this jest worker left pending (more than one relay batch at times):
    // a failed relay notes the failure on the oldest pending rows, which must be this test's
    while (await relay.relayPending() > 0);

    await proxy.stop();
    const created = await admin.post('/api/v1/points', pointBody('OUTA')).expect(201);
    const event = await eventOf(created.body.id);
    expect(event.status).toBe('PENDING');

    expect(await relay.relayPending()).toBe(0);
    const stillPending = await eventOf(created.body.id);
    expect(stillPending.status).toBe('PENDING');
    expect(stillPending.attempts).toBeGreaterThanOrEqual(1);

    await proxy.start();
    await queue.isReady();
    let relayed = 0;
    for (let i = 0; i < 50 && relayed === 0; i++) {
      relayed = await relay.relayPending();
      if (relayed === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(relayed).toBeGreaterThanOrEqual(1);
    expect((await eventOf(created.body.id)).status).toBe('SENT');

    const job = await queue.getJob(outboxJobId(String(event.id)));
    expect(job?.data).toEqual(expect.objectContaining({ eventType: 'commerce_point.created', aggregateId: created.body.id }));
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.outboxId === String(event.id))).toHaveLength(1);
  });

  it('should not duplicate a job when the same event is relayed twice (crash before marking sent)', async () => {
    const admin = as(t.http, (await login(t.http, org.users.admin.username)).accessToken);
    const created = await admin.post('/api/v1/points', pointBody('OUTB')).expect(201);
    const event = await eventOf(created.body.id);
    expect(await relay.relayPending()).toBeGreaterThanOrEqual(1);
    // Simulate a relay that added the job but crashed before its commit.
    await t.dataSource.query(`UPDATE outbox_event SET status = 'PENDING', sent_at = NULL WHERE id = ?`, [event.id]);
    expect(await relay.relayPending()).toBeGreaterThanOrEqual(1);
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.outboxId === String(event.id))).toHaveLength(1);
  });

  it('should write no event when the change itself fails', async () => {
    const admin = as(t.http, (await login(t.http, org.users.admin.username)).accessToken);
    const before = await t.dataSource.query('SELECT COUNT(*) AS n FROM outbox_event');
    await admin.post('/api/v1/points', pointBody('HQG')).expect(409);
    const after = await t.dataSource.query('SELECT COUNT(*) AS n FROM outbox_event');
    expect(after[0].n).toBe(before[0].n);
  });
});
