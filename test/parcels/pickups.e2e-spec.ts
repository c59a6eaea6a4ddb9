import { DownParcelsService } from '../../src/parcels/down-parcels.service';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival, phone, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, expectErrorBody } from '../support/http';
import { PARCEL_TIMED_JOBS } from '../../src/parcels/parcels.timed-jobs';
import { TimedJobsService } from '../../src/scheduling/timed-jobs.service';

describe('Down parcels: pickup, door delivery, overdue and returns (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
  });
  afterAll(() => t.close());

  const A = () => `/api/v1/points/${org.pointA.id}`;
  const arrive = async (overrides: Record<string, unknown> = {}) => (await c.agentA.post(`${A()}/parcels`, arrival(overrides)).expect(201)).body;
  const row = async (id: string) => (await t.dataSource.query('SELECT * FROM down_parcel WHERE id = ?', [id]))[0];
  const counter = async (pointId: string, column: string) =>
    Number((await t.dataSource.query(`SELECT COALESCE(SUM(${column}), 0) AS n FROM parcel_daily_count WHERE point_id = ? AND direction = 'DOWN'`, [pointId]))[0].n);

  describe('by code', () => {
    it('should hand over the parcel, free its code and count it once; a retry with the same clientId answers the same', async () => {
      const parcel = await arrive();
      const collectedBefore = await counter(org.pointA.id, 'collected');
      const body = { code: parcel.pickupCode, clientId: `pick-${waybill()}` };
      const res = await c.agentA.post(`${A()}/parcels/pickup`, body).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ id: parcel.id, status: 'COLLECTED', pickupMethod: 'CODE' }));
      expect((await row(parcel.id)).open_pickup_code).toBeNull();
      const retry = await c.agentA.post(`${A()}/parcels/pickup`, body).expect(200);
      expect(retry.body.id).toBe(parcel.id);
      expect(await counter(org.pointA.id, 'collected')).toBe(collectedBefore + 1);
    });

    it('should refuse to collect a collected parcel again', async () => {
      const parcel = await arrive();
      await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode }).expect(200);
      expectErrorBody((await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode }).expect(409)).body, 409, 'PARCEL_ALREADY_COLLECTED');
      expectErrorBody((await c.agentA.post(`/api/v1/parcels/${parcel.id}/pickup`, { phoneLast4: '0000' }).expect(409)).body, 409, 'PARCEL_ALREADY_COLLECTED');
    });

    it('should accept the code typed loosely (3 2 417)', async () => {
      const parcel = await arrive();
      const [shelf, layer, seq] = parcel.pickupCode.split('-');
      await c.agentA.post(`${A()}/parcels/pickup`, { code: `${shelf} ${layer} ${Number(seq)}` }).expect(200);
    });

    it('should refuse a wrong code', async () => {
      expectErrorBody((await c.agentA.post(`${A()}/parcels/pickup`, { code: '99-9-9999' }).expect(422)).body, 422, 'PICKUP_CODE_WRONG');
    });

    it('should flag the parcel after the configured wrong attempts (phone tail given) and refuse it until an agent clears it', async () => {
      const tail = String(Date.now()).slice(-4);
      const parcel = await arrive({ recipientPhone: phone(tail) });
      for (let i = 0; i < 5; i++) {
        expectErrorBody((await c.agentA.post(`${A()}/parcels/pickup`, { code: '99-9-9999', phoneLast4: tail }).expect(422)).body, 422, 'PICKUP_CODE_WRONG');
      }
      const flaggedRow = await row(parcel.id);
      expect(flaggedRow.failed_pickup_attempts).toBe(5);
      expect(flaggedRow.flagged_at).not.toBeNull();
      expectErrorBody((await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode, phoneLast4: tail }).expect(422)).body, 422, 'PARCEL_FLAGGED');
      expect((await c.agentA.get(`${A()}/parcel-stats`).expect(200)).body.flagged).toBeGreaterThanOrEqual(1);

      await c.agentB.post(`/api/v1/parcels/${parcel.id}/clear-flag`, { note: '核实' }).expect(404);
      await c.agentA.post(`/api/v1/parcels/${parcel.id}/clear-flag`, { note: '本人持身份证核实' }).expect(200);
      const audit = await t.dataSource.query(`SELECT reason FROM audit_log WHERE entity_id = ? AND action = 'clear_flag'`, [parcel.id]);
      expect(audit).toEqual([{ reason: '本人持身份证核实' }]);
      await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode, phoneLast4: tail }).expect(200);
    });

    it('should count a right code with a wrong phone tail as a failed attempt on that parcel', async () => {
      const parcel = await arrive({ recipientPhone: phone('1111') });
      expectErrorBody((await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode, phoneLast4: '2222' }).expect(422)).body, 422, 'PICKUP_PHONE_MISMATCH');
      expect((await row(parcel.id)).failed_pickup_attempts).toBe(1);
      expect((await row(parcel.id)).status).toBe('AWAITING_PICKUP');
    });

    it('should answer 404 when an agent picks up at a point not theirs', async () => {
      const parcel = await arrive();
      await c.agentB.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode }).expect(404);
      await c.agentB.post(`/api/v1/parcels/${parcel.id}/pickup`, { phoneLast4: parcel.recipientPhoneMasked.slice(-4) }).expect(404);
      await c.agentB.get(`/api/v1/parcels/${parcel.id}`).expect(404);
      await c.manager.get(`/api/v1/parcels/${parcel.id}`).expect(200);
    });
  });

  describe('by phone tail, and by proxy', () => {
    it('should list the waiting parcels of a phone tail and collect the confirmed one', async () => {
      const tail = String(Date.now() + 7).slice(-4);
      const mine = await arrive({ recipientPhone: phone(tail) });
      const list = await c.agentA.get(`${A()}/parcels?status=AWAITING_PICKUP&phoneLast4=${tail}`).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toContain(mine.id);
      expect(list.body.items.every((p: { recipientPhoneMasked: string }) => p.recipientPhoneMasked.endsWith(tail))).toBe(true);
      const res = await c.agentA.post(`/api/v1/parcels/${mine.id}/pickup`, { phoneLast4: tail }).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ status: 'COLLECTED', pickupMethod: 'PHONE_TAIL' }));
    });

    it('should refuse a wrong tail on confirmation and count it', async () => {
      const parcel = await arrive({ recipientPhone: phone('3333') });
      expectErrorBody((await c.agentA.post(`/api/v1/parcels/${parcel.id}/pickup`, { phoneLast4: '4444' }).expect(422)).body, 422, 'PICKUP_PHONE_MISMATCH');
      expect((await row(parcel.id)).failed_pickup_attempts).toBe(1);
    });

    it('should record a proxy with a note, and require the note', async () => {
      const parcel = await arrive({ recipientPhone: phone('5555') });
      const noNote = await c.agentA.post(`/api/v1/parcels/${parcel.id}/pickup`, { phoneLast4: '5555', proxyName: '吴小兰' }).expect(400);
      expect(noNote.body.details[0].field).toBe('proxyNote');
      const res = await c.agentA.post(`/api/v1/parcels/${parcel.id}/pickup`, {
        phoneLast4: '5555', proxyName: '吴小兰', proxyPhone: '13807370000', proxyNote: '女儿代取，已电话确认',
      }).expect(200);
      expect(res.body).toEqual(expect.objectContaining({
        pickupMethod: 'PROXY', proxyName: '吴小兰', proxyPhoneMasked: '138****0000', proxyNote: '女儿代取，已电话确认',
      }));
    });
  });

  describe('door delivery', () => {
    it('should record who delivered and when, and count the parcel collected', async () => {
      const parcel = await arrive();
      const req = await c.agentA.post(`/api/v1/parcels/${parcel.id}/door-delivery`, { reason: 'ELDERLY', address: '花桥港村3组12号' }).expect(201);
      const again = await c.agentA.post(`/api/v1/parcels/${parcel.id}/door-delivery`, { reason: 'ELDERLY' }).expect(201);
      expect(again.body.id).toBe(req.body.id);
      const listed = await c.agentA.get(`${A()}/door-deliveries?status=REQUESTED`).expect(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(req.body.id);
      await c.agentB.post(`/api/v1/door-deliveries/${req.body.id}/deliver`, { deliveredByName: '李代办' }).expect(404);
      const done = await c.agentA.post(`/api/v1/door-deliveries/${req.body.id}/deliver`, { deliveredByName: '李代办' }).expect(200);
      expect(done.body).toEqual(expect.objectContaining({ status: 'DELIVERED', deliveredByName: '李代办', deliveredByUserId: org.users.agentA.id }));
      expect(done.body.deliveredAt).toBeTruthy();
      expect(await row(parcel.id)).toEqual(expect.objectContaining({ status: 'COLLECTED', pickup_method: 'DOOR_DELIVERY', open_pickup_code: null }));
      await c.agentA.post(`/api/v1/door-deliveries/${req.body.id}/deliver`, { deliveredByName: '李代办' }).expect(200);
    });
  });

  describe('overdue reminders and returns', () => {
    const service = () => t.app.get(DownParcelsService);
    const age = (id: string, days: number) => t.dataSource.query('UPDATE down_parcel SET arrived_at = arrived_at - INTERVAL ? DAY WHERE id = ?', [days, id]);
    const events = async (type: string, id: string) => Number((await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM outbox_event WHERE event_type = ? AND aggregate_id = ?', [type, id]))[0].n);

    it('should remind an overdue parcel exactly once, however often the job runs', async () => {
      const old = await arrive();
      const fresh = await arrive();
      await age(old.id, 4);
      const now = new Date();
      expect(await service().remindOverdue(now)).toBeGreaterThanOrEqual(1);
      await service().remindOverdue(now);
      await service().remindOverdue(new Date(now.getTime() + 1000));
      expect(await events('parcel.overdue', old.id)).toBe(1);
      expect(await events('parcel.overdue', fresh.id)).toBe(0);
      expect((await row(old.id)).reminded_at).not.toBeNull();
      expect((await c.agentA.get(`${A()}/parcel-stats`).expect(200)).body.overdue).toBeGreaterThanOrEqual(1);
    });

    it('should run the reminders as the hourly timed job, once per slot', async () => {
      const old = await arrive();
      await age(old.id, 5);
      const timedJobs = t.app.get(TimedJobsService);
      const slot = `${new Date().toISOString().slice(0, 13)}:00Z`;
      await expect(timedJobs.runSlot(PARCEL_TIMED_JOBS.OVERDUE_REMINDERS, slot)).resolves.toEqual({ ran: true, status: 'SUCCEEDED' });
      await expect(timedJobs.runSlot(PARCEL_TIMED_JOBS.OVERDUE_REMINDERS, slot)).resolves.toEqual({ ran: false, status: 'SKIPPED' });
      expect(await events('parcel.overdue', old.id)).toBe(1);
      const [run] = await t.dataSource.query('SELECT outcome FROM job_run WHERE job_name = ? AND slot = ?', [PARCEL_TIMED_JOBS.OVERDUE_REMINDERS, slot]);
      expect(run.outcome).toEqual({ reminded: expect.any(Number) });
    });

    it('should list parcels due for return, return one with its return waybill, and then allow the waybill again', async () => {
      const parcel = await arrive();
      await age(parcel.id, 8);
      const due = await c.agentA.get(`${A()}/parcels/due-for-return`).expect(200);
      expect(due.body.map((p: { id: string }) => p.id)).toContain(parcel.id);
      const returnedBefore = await counter(org.pointA.id, 'returned');
      const res = await c.agentA.post(`/api/v1/parcels/${parcel.id}/return`, { returnWaybillNo: 'ZTRET0000001', reason: '超期未取' }).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ status: 'RETURNED', returnWaybillNo: 'ZTRET0000001' }));
      await c.agentA.post(`/api/v1/parcels/${parcel.id}/return`, { returnWaybillNo: 'ZTRET0000001' }).expect(200);
      expect(await counter(org.pointA.id, 'returned')).toBe(returnedBefore + 1);
      expect(await events('parcel.returned', parcel.id)).toBe(1);
      expectErrorBody((await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode }).expect(409)).body, 409, 'PARCEL_RETURNED');
      expectErrorBody((await c.agentA.post(`/api/v1/parcels/${parcel.id}/pickup`, { phoneLast4: '0000' }).expect(409)).body, 409, 'PARCEL_RETURNED');
      // Returned: the carrier may deliver the same waybill again.
      await c.agentA.post(`${A()}/parcels`, arrival({ waybillNo: parcel.waybillNo })).expect(201);
    });

    it('should refuse to return a collected parcel, and a bad return waybill', async () => {
      const parcel = await arrive();
      await c.agentA.post(`/api/v1/parcels/${parcel.id}/return`, { returnWaybillNo: 'x' }).expect(400);
      await c.agentA.post(`${A()}/parcels/pickup`, { code: parcel.pickupCode }).expect(200);
      expectErrorBody((await c.agentA.post(`/api/v1/parcels/${parcel.id}/return`, { returnWaybillNo: 'ZTRET0000002' }).expect(409)).body, 409, 'PARCEL_ALREADY_COLLECTED');
    });
  });
});
