import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { SmsRecipientRole } from '../../src/notifications/sms-message.entity';
import { SMS_CLOCK, SMS_PROVIDER } from '../../src/notifications/sms-provider';
import { SmsService } from '../../src/notifications/sms.service';
import { QUEUES } from '../../src/queues/queue-names';
import { testPhone } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { drainSms, startWorker } from '../support/worker';

type Row = { id: string; status: string; last_error: string | null; scheduled_at: Date | null; deferrals: number; attempts: number };

/** Delivery rules with the only worker of this file on a fixed clock (22:30 Shanghai) and a flaky provider. */
jest.setTimeout(30_000);

describe('Notifications: quiet hours, rate limits and dead letters (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin', Caller>;
  const messages = (where: string, params: unknown[]) =>
    t.dataSource.query(`SELECT * FROM sms_message WHERE ${where} ORDER BY id`, params) as Promise<Row[]>;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin });
  });
  afterAll(() => t.close());

  describe('quiet hours, rate limits and dead letters (a worker with its own clock and settings)', () => {
    let special: INestApplicationContext;
    // 22:30 in Shanghai.
    const clock = { now: () => new Date('2026-11-23T14:30:00.000Z') };
    let failing = false;
    const saved = { ...process.env };

    beforeAll(async () => {
      Object.assign(process.env, { SMS_QUIET_HOURS: '21:00-08:00', SMS_RATE_PER_MINUTE: '1' });
      special = await startWorker((b) => b
        .overrideProvider(SMS_CLOCK).useValue(clock)
        .overrideProvider(SMS_PROVIDER).useValue({
          name: 'flaky',
          send: async (m: { messageId: string }) => {
            if (failing) throw new Error('provider down');
            return { providerMessageId: `flaky-${m.messageId}` };
          },
        }));
      process.env = saved;
    });
    afterAll(() => special.close());

    it('should defer a notice created at 22:30 Shanghai to 08:00 as a delayed job; a login code still goes at once', async () => {
      const sms = special.get(SmsService);
      const phone = testPhone();
      const [notice] = await sms.request({ sourceKey: `test:${phone}`, template: 'PARCEL_ARRIVED', params: { carrier: '中通', point: 'P', code: '1-1-0001', hours: '8-18' }, recipients: [{ phone, role: SmsRecipientRole.RECIPIENT }] });
      expect(notice.status).toBe('SCHEDULED');
      expect(notice.scheduledAt?.toISOString()).toBe('2026-11-24T00:00:00.000Z');
      const job = await special.get<Queue>(getQueueToken(QUEUES.SMS)).getJob(`sms-${notice.id}`);
      expect(job?.opts.delay).toBe(9.5 * 3600_000);
      const [code] = await sms.request({ sourceKey: `test-code:${phone}`, template: 'LOGIN_CODE', params: { code: '123456' }, recipients: [{ phone, role: SmsRecipientRole.FARMER }] });
      expect(code.status).toBe('PENDING');
      await drainSms(special);
      expect((await messages('id = ?', [code.id]))[0].status).toBe('SENT');
      expect((await messages('id = ?', [notice.id]))[0].status).toBe('SCHEDULED');
    });

    it('should defer, not drop, a message over the per-phone limit', async () => {
      const sms = special.get(SmsService);
      const phone = testPhone();
      for (const n of [1, 2]) {
        await sms.request({ sourceKey: `test-rl:${n}`, template: 'REPLY_HELP', params: {}, recipients: [{ phone, role: SmsRecipientRole.FARMER }] });
      }
      await drainSms(special);
      const rows = await messages('recipient_phone = ?', [phone]);
      expect(rows.map((r) => [r.status, r.deferrals])).toEqual([['SENT', 0], ['SCHEDULED', 1]]);
      expect(rows[1].last_error).toBe('RATE_LIMITED');
      expect(new Date(rows[1].scheduled_at as Date).toISOString()).toBe('2026-11-23T14:31:00.000Z');
    });

    it('should retry with backoff and end DEAD, visible to admins', async () => {
      failing = true;
      try {
        const sms = special.get(SmsService);
        const phone = testPhone();
        await sms.request({ sourceKey: `test-dead:${phone}`, template: 'LOGIN_CODE', params: { code: '654321' }, recipients: [{ phone, role: SmsRecipientRole.FARMER }], companyId: org.company.id });
        await drainSms(special);
        const [row] = await messages('recipient_phone = ?', [phone]);
        expect(row).toEqual(expect.objectContaining({ status: 'DEAD', attempts: 3, last_error: 'provider down' }));
        const res = await c.admin.get(`/api/v1/admin/sms-messages?status=DEAD&phone=${phone}`).expect(200);
        expect(res.body.items).toHaveLength(1);
      } finally {
        failing = false;
      }
    });
  });
});
