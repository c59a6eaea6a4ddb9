import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { QUEUES } from '../../src/queues/queue-names';
import { DomainEventHandlers } from '../../src/outbox/domain-event-handlers';
import { DownParcelsService } from '../../src/parcels/down-parcels.service';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody, testPhone } from '../factories/farmer.factory';
import { consignmentBody } from '../factories/intake.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { drainSms, startWorker } from '../support/worker';

type Row = { id: string; template: string; recipient_phone: string; recipient_role: string; status: string; body: string; last_error: string | null; scheduled_at: Date | null; deferrals: number; attempts: number };

/** Outgoing SMS end to end: API → outbox → worker → handlers → SMS queue → outbox provider. */
jest.setTimeout(30_000);

describe('Notifications: outgoing SMS (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;
  let products: TestProducts;
  let farmer: { id: string; phone: string; familyPhone: string };

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
    products = await createTestProducts(c.admin);
    const familyPhone = testPhone();
    const res = await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { familyPhone })).expect(201);
    farmer = { id: res.body.id, phone: res.body.phone, familyPhone };
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  const messages = (where: string, params: unknown[]) =>
    t.dataSource.query(`SELECT * FROM sms_message WHERE ${where} ORDER BY id`, params) as Promise<Row[]>;
  const redeliver = async (eventType: string, aggregateId: string) => {
    const [row] = await t.dataSource.query('SELECT * FROM outbox_event WHERE event_type = ? AND aggregate_id = ?', [eventType, aggregateId]);
    await worker.get(DomainEventHandlers).dispatch({
      outboxId: String(row.id), eventType, aggregateType: row.aggregate_type, aggregateId, payload: row.payload, occurredAt: new Date(row.created_at).toISOString(),
    });
    await drainSms(worker);
  };

  it('should send one receipt SMS to the farmer and the family phone, and nothing more when the event comes again', async () => {
    const cons = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, farmer.id, products)).expect(201)).body;
    await drainSms(worker);
    const sent = await messages('farmer_id = ? AND template = ?', [farmer.id, 'CONSIGNMENT_RECEIVED']);
    expect(sent.map((m) => [m.recipient_phone, m.recipient_role, m.status])).toEqual([
      [farmer.phone, 'FARMER', 'SENT'], [farmer.familyPhone, 'FAMILY', 'SENT'],
    ]);
    expect(sent[0].body).toContain(cons.receiptNo);
    expect(sent[0].body).toMatch(/土鸡蛋30枚.*坛子菜2\.5斤/);
    await redeliver('consignment.received', cons.id);
    expect(await messages('farmer_id = ? AND template = ?', [farmer.id, 'CONSIGNMENT_RECEIVED'])).toHaveLength(2);

    await c.agentA.post(`/api/v1/consignments/${cons.id}/quality-checks`, {
      lines: [{ lineNo: 1, accepted: [{ gradeCode: 'A', quantity: 28 }], rejected: [{ reason: 'DAMAGED', quantity: 2, disposition: 'RETURNED_TO_FARMER' }], checklist: { cracks: true, dirt: true, size: true } }],
    }).expect(201);
    await drainSms(worker);
    await redeliver('consignment.qc_completed', cons.id);
    const qc = await messages('farmer_id = ? AND template = ? AND recipient_role = ?', [farmer.id, 'QC_COMPLETED', 'FARMER']);
    expect(qc).toHaveLength(1);
    expect(qc[0].body).toContain(cons.receiptNo);
    expect(qc[0].body).toMatch(/土鸡蛋合格28枚，退回2枚（破损/);
  });

  it('should send each message once when the outbox relays the same event twice (its first job already gone)', async () => {
    const familyPhone = testPhone();
    const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { familyPhone })).expect(201)).body;
    const cons = (await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, f.id, products)).expect(201)).body;
    await drainSms(worker);
    const [event] = await t.dataSource.query(`SELECT id FROM outbox_event WHERE event_type = 'consignment.received' AND aggregate_id = ?`, [cons.id]);
    // A crash between the queue add and the commit leaves the row PENDING; by then the job may have run and been removed.
    await (await worker.get<Queue>(getQueueToken(QUEUES.DOMAIN_EVENTS)).getJob(`outbox-${event.id}`))?.remove();
    await t.dataSource.query(`UPDATE outbox_event SET status = 'PENDING' WHERE id = ?`, [event.id]);
    await drainSms(worker);
    expect((await t.dataSource.query('SELECT status FROM outbox_event WHERE id = ?', [event.id]))[0].status).toBe('SENT');
    const rows = await messages(`source_key = ? AND template = 'CONSIGNMENT_RECEIVED'`, [`outbox:${event.id}`]);
    expect(rows.map((m) => [m.recipient_phone, m.status])).toEqual([[f.phone, 'SENT'], [familyPhone, 'SENT']]);
  });

  it('should tell a parcel recipient the carrier, pickup code, point and opening hours, once; and remind when overdue', async () => {
    const recipientPhone = testPhone();
    const parcel = (await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival({ carrierCode: 'ZTO', recipientPhone })).expect(201)).body;
    await drainSms(worker);
    await redeliver('parcel.arrived', parcel.id);
    const arrived = await messages('recipient_phone = ? AND template = ?', [recipientPhone, 'PARCEL_ARRIVED']);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toEqual(expect.objectContaining({ status: 'SENT', recipient_role: 'RECIPIENT' }));
    expect(arrived[0].body).toContain('中通');
    expect(arrived[0].body).toContain(parcel.pickupCode);
    expect(arrived[0].body).toContain('08:00-18:00');

    await worker.get(DownParcelsService).remindOverdue(new Date(Date.now() + 4 * 86_400_000));
    await drainSms(worker);
    const overdue = await messages('recipient_phone = ? AND template = ?', [recipientPhone, 'PARCEL_OVERDUE']);
    expect(overdue).toHaveLength(1);
    expect(overdue[0].body).toContain(parcel.pickupCode);
  });

  it('should respect consent: a farmer who did not agree gets nothing (recorded as SKIPPED)', async () => {
    const quiet = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { smsConsent: false })).expect(201)).body;
    await c.agentA.post('/api/v1/consignments', consignmentBody(org.pointA.id, quiet.id, products)).expect(201);
    await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival({ recipientPhone: quiet.phone })).expect(201);
    await drainSms(worker);
    const rows = await messages('recipient_phone = ?', [quiet.phone]);
    expect(rows.map((r) => [r.template, r.status, r.last_error]).sort()).toEqual([
      ['CONSIGNMENT_RECEIVED', 'SKIPPED', 'NO_CONSENT'], ['PARCEL_ARRIVED', 'SKIPPED', 'NO_CONSENT'],
    ]);
  });

  it('should list messages for admins, filtered by status, phone and template', async () => {
    const res = await c.admin.get(`/api/v1/admin/sms-messages?phone=${farmer.phone}&template=CONSIGNMENT_RECEIVED&status=SENT`).expect(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toEqual(expect.objectContaining({ provider: 'outbox', status: 'SENT', recipientPhone: farmer.phone }));
    await c.agentA.get('/api/v1/admin/sms-messages').expect(403);
  });
});
