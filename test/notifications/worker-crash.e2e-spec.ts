import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { DomainEventHandlers } from '../../src/outbox/domain-event-handlers';
import { OutboxRelayRunner } from '../../src/outbox/outbox-relay.runner';
import { OutgoingSms, SMS_PROVIDER } from '../../src/notifications/sms-provider';
import { QUEUES } from '../../src/queues/queue-names';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody, testPhone } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { drainSms, startWorker } from '../support/worker';

/**
 * A worker that dies in the middle of its jobs: its locks lapse and another worker takes the jobs
 * over (Bull's stalled-job check). Locks are shortened to one second here so the takeover is quick;
 * in production it is Bull's 30 s.
 */
jest.setTimeout(60_000);

const SHORT_LOCKS = (ctx: INestApplicationContext) => {
  for (const name of [QUEUES.DOMAIN_EVENTS, QUEUES.SMS]) {
    const q = ctx.get<Queue>(getQueueToken(name));
    Object.assign((q as unknown as { settings: Record<string, number> }).settings, { lockDuration: 1000, lockRenewTime: 500, stalledInterval: 500 });
  }
};

async function eventually(probe: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Notifications: a worker killed mid-job (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;
  let products: TestProducts;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
    products = await createTestProducts(c.admin);
  });
  afterAll(() => t.close());

  it('should send each message exactly once when the worker dies after recording the messages and while sending', async () => {
    const familyPhone = testPhone();
    const farmer = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { familyPhone })).expect(201)).body;

    // Only this farmer's messages count: the worker also relays events other test files of this jest
    // worker left pending in the same database, and their messages hang or get sent alongside.
    const ours = new Set([farmer.phone, familyPhone]);
    // Worker A records the messages, queues them, starts sending — and hangs in both jobs.
    const hungSends: string[] = [];
    let eventHung = false;
    const dying = await startWorker((b) => b.overrideProvider(SMS_PROVIDER).useValue({
      name: 'dying',
      send: (m: OutgoingSms) => {
        if (ours.has(m.phone)) hungSends.push(m.messageId);
        return new Promise(() => undefined);
      },
    }), SHORT_LOCKS);
    dying.get(DomainEventHandlers).registerBatch('consignment.received', () => {
      eventHung = true;
      return new Promise(() => undefined);
    });
    const cons = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmer.id, products)).expect(201)).body;
    await eventually(() => eventHung && hungSends.length === 2);

    // A dies: it stops relaying, taking jobs and renewing its locks (its Redis connections close without waiting for the jobs).
    await dying.get(OutboxRelayRunner).onApplicationShutdown();
    for (const name of [QUEUES.DOMAIN_EVENTS, QUEUES.SMS, QUEUES.TIMED_JOBS, QUEUES.PAYOUTS]) await dying.get<Queue>(getQueueToken(name)).close(true);

    // Worker B takes the stalled jobs over: the event is handled again, the messages are sent.
    const sentByB: string[] = [];
    const survivor = await startWorker((b) => b.overrideProvider(SMS_PROVIDER).useValue({
      name: 'outbox',
      send: async (m: OutgoingSms) => {
        if (ours.has(m.phone)) sentByB.push(m.messageId);
        return { providerMessageId: `outbox-${m.messageId}` };
      },
    }), SHORT_LOCKS);
    try {
      await eventually(async () => {
        const counts = await survivor.get<Queue>(getQueueToken(QUEUES.DOMAIN_EVENTS)).getJobCounts();
        return counts.active + counts.waiting === 0 && sentByB.length >= 2;
      });
      await drainSms(survivor);
      const rows = await t.dataSource.query(
        `SELECT id, recipient_phone, status, attempts FROM sms_message WHERE farmer_id = ? AND template = 'CONSIGNMENT_RECEIVED' ORDER BY id`, [farmer.id]);
      expect(rows.map((r: { recipient_phone: string; status: string }) => [r.recipient_phone, r.status])).toEqual([[farmer.phone, 'SENT'], [familyPhone, 'SENT']]);
      expect(sentByB.sort()).toEqual(rows.map((r: { id: string }) => String(r.id)).sort());
      expect(hungSends.sort()).toEqual(sentByB);
      const [job] = await t.dataSource.query(`SELECT status FROM outbox_event WHERE event_type = 'consignment.received' AND aggregate_id = ?`, [cons.id]);
      expect(job.status).toBe('SENT');
    } finally {
      // The queues are shared by every test file of this jest worker: leave no retrying or failed job
      // behind for the next file's drain, whatever happened here.
      for (const name of [QUEUES.DOMAIN_EVENTS, QUEUES.SMS]) {
        const q = survivor.get<Queue>(getQueueToken(name));
        await q.clean(0, 'delayed');
        await q.clean(0, 'failed');
      }
      await survivor.close();
      await dying.close();
    }
  });
});
