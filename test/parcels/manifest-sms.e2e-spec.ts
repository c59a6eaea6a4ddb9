import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DomainEventHandlers } from '../../src/outbox/domain-event-handlers';
import { farmerBody, testPhone } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { manifestCsv, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, login } from '../support/http';
import { drainSms, startWorker } from '../support/worker';

jest.setTimeout(60_000);

type Sms = { source_key: string; template: string; recipient_phone: string; recipient_role: string; status: string; body: string; last_error: string | null };

/**
 * A manifest import publishes one `parcel.manifest_arrived`; the notifications consumer must still
 * give every parcel its own arrival SMS with its own code, as one `parcel.arrived` each would.
 */
describe('Manifest import: one arrival SMS per parcel (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let org: TestOrg;
  let c: Record<'agentA', Caller>;
  let token: string;
  let farmer: { id: string; phone: string; familyPhone: string };

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { agentA: org.users.agentA });
    token = (await login(t.http, org.users.agentA.username)).accessToken;
    const familyPhone = testPhone();
    const res = await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { familyPhone })).expect(201);
    farmer = { id: res.body.id, phone: res.body.phone, familyPhone };
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  const messages = (sql: string, params: unknown[]) => t.dataSource.query(`SELECT * FROM sms_message WHERE ${sql} ORDER BY id`, params) as Promise<Sms[]>;

  it("should send each parcel's code to its recipient, a linked farmer's to the farmer and family phone, and nothing for a parcel already collected", async () => {
    const twice = testPhone();
    const collectedPhone = testPhone();
    const csv = manifestCsv([
      [waybill('S'), 'ZTO', '李四', twice, 500],
      [waybill('S'), 'YTO', '李四', twice, 600],
      [waybill('S'), 'ZTO', '吴金兰', farmer.phone, 700],
      [waybill('S'), 'ZTO', '王五', collectedPhone, 800],
    ]);
    const imported = await request(t.http).post(`/api/v1/points/${org.pointA.id}/parcels/manifest`)
      .set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csv).expect(201);
    const parcels: Array<{ id: string; pickup_code: string; recipient_phone: string }> = await t.dataSource.query(
      'SELECT id, pickup_code, recipient_phone FROM down_parcel WHERE manifest_id = ? ORDER BY id', [imported.body.manifestId]);
    expect(parcels).toHaveLength(4);
    // Collected before the worker handles the event: its SMS is recorded as skipped.
    await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels/pickup`, { code: parcels[3].pickup_code }).expect(200);

    worker = await startWorker();
    await drainSms(worker);

    const toTwice = await messages('recipient_phone = ? AND template = ?', [twice, 'PARCEL_ARRIVED']);
    expect(toTwice.map((m) => m.status)).toEqual(['SENT', 'SENT']);
    expect(toTwice.map((m) => m.recipient_role)).toEqual(['RECIPIENT', 'RECIPIENT']);
    expect(toTwice[0].body).toContain(parcels[0].pickup_code);
    expect(toTwice[0].body).toContain('中通');
    expect(toTwice[1].body).toContain(parcels[1].pickup_code);
    expect(toTwice[1].body).toContain('圆通');
    expect(toTwice[0].body).toContain('08:00-18:00');

    const toFarmer = await messages('(recipient_phone = ? OR recipient_phone = ?) AND template = ?', [farmer.phone, farmer.familyPhone, 'PARCEL_ARRIVED']);
    expect(toFarmer.map((m) => [m.recipient_role, m.status]).sort()).toEqual([['FAMILY', 'SENT'], ['FARMER', 'SENT']]);
    expect(toFarmer[0].body).toContain(parcels[2].pickup_code);

    const toCollected = await messages('recipient_phone = ? AND template = ?', [collectedPhone, 'PARCEL_ARRIVED']);
    expect(toCollected.map((m) => [m.status, m.last_error])).toEqual([['SKIPPED', 'PARCEL_COLLECTED']]);
  });

  it('should send nothing again when the manifest event is delivered again', async () => {
    const [event] = await t.dataSource.query(`SELECT * FROM outbox_event WHERE event_type = 'parcel.manifest_arrived' ORDER BY id DESC LIMIT 1`);
    const [{ n: before }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM sms_message');
    const payload = typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload;
    await (worker as INestApplicationContext).get(DomainEventHandlers).dispatch({
      outboxId: String(event.id), eventType: event.event_type, aggregateType: event.aggregate_type, aggregateId: event.aggregate_id,
      payload, occurredAt: new Date(event.created_at).toISOString(),
    });
    await drainSms(worker as INestApplicationContext);
    const [{ n: after }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM sms_message');
    expect(Number(after)).toBe(Number(before));
  });
});
