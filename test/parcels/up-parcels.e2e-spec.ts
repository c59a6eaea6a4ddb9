import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { phone, upParcel, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, expectErrorBody } from '../support/http';

describe('Up parcels: sending, home pickups, hand-overs (e2e)', () => {
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
  const sent = async () => Number((await t.dataSource.query(
    `SELECT COALESCE(SUM(sent), 0) AS n FROM parcel_daily_count WHERE point_id = ? AND direction = 'UP'`, [org.pointA.id]))[0].n);

  describe('send registration', () => {
    it('should register an up parcel with fee in fen, masked phone, and count it as sent', async () => {
      const before = await sent();
      const body = upParcel({ senderPhone: '13807375678' });
      const res = await c.agentA.post(`${A()}/up-parcels`, body).expect(201);
      expect(res.body).toEqual(expect.objectContaining({
        carrierCode: 'YD', waybillNo: body.waybillNo, feeFen: 1200, weightG: 2500, status: 'REGISTERED', senderPhoneMasked: '138****5678',
      }));
      expect(JSON.stringify(res.body)).not.toContain('13807375678');
      expect(await sent()).toBe(before + 1);
    });

    it.each([
      ['zero weight', { weightG: 0 }, 'weightG'],
      ['negative fee', { feeFen: -1 }, 'feeFen'],
      ['fractional fee', { feeFen: 12.5 }, 'feeFen'],
      ['bad waybill', { waybillNo: 'abc' }, 'waybillNo'],
    ])('should refuse %s, writing nothing', async (_, overrides, field) => {
      const before = await sent();
      const res = await c.agentA.post(`${A()}/up-parcels`, upParcel(overrides)).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await sent()).toBe(before);
    });

    it('should refuse a duplicate waybill for the carrier and an inactive carrier', async () => {
      const body = upParcel();
      await c.agentA.post(`${A()}/up-parcels`, body).expect(201);
      expectErrorBody((await c.agentA.post(`${A()}/up-parcels`, body).expect(409)).body, 409, 'WAYBILL_ALREADY_REGISTERED');
      expectErrorBody((await c.agentA.post(`${A()}/up-parcels`, upParcel({ carrierCode: 'NOPE' })).expect(422)).body, 422, 'CARRIER_NOT_AVAILABLE');
    });

    it('should register a retried send once (same clientId)', async () => {
      const body = upParcel({ clientId: `up-${waybill()}` });
      const first = await c.agentA.post(`${A()}/up-parcels`, body).expect(201);
      expect((await c.agentA.post(`${A()}/up-parcels`, body).expect(201)).body.id).toBe(first.body.id);
    });

    it('should link a farmer\'s own goods, and refuse goods without a farmer', async () => {
      const res = await c.agentA.post(`${A()}/up-parcels`, upParcel({ senderKind: 'FARMER', senderFarmerId: '77', goodsProductId: '12', goodsQuantity: 30 })).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ senderFarmerId: '77', goodsProductId: '12', goodsQuantity: 30 }));
      expectErrorBody((await c.agentA.post(`${A()}/up-parcels`, upParcel({ goodsProductId: '12', goodsQuantity: 30 })).expect(422)).body, 422, 'GOODS_NEED_FARMER');
      await c.agentA.post(`${A()}/up-parcels`, upParcel({ senderKind: 'FARMER', senderFarmerId: '77', goodsProductId: '12' })).expect(400);
    });

    it('should answer 404 to an agent of another point', async () => {
      expectErrorBody((await c.agentB.post(`${A()}/up-parcels`, upParcel()).expect(404)).body, 404, 'POINT_NOT_FOUND');
      await c.agentB.get(`${A()}/up-parcels`).expect(404);
    });
  });

  describe('home pickup requests', () => {
    const window = { windowStart: '2026-11-23T01:00:00.000Z', windowEnd: '2026-11-23T04:00:00.000Z' };

    it('should record the request, publish parcel.pickup_requested, and close it when the parcel is registered', async () => {
      const res = await c.agentA.post(`${A()}/home-pickups`, {
        requesterName: '吴金兰', requesterPhone: '13807371234', address: '花桥港村3组12号', carrierCode: 'YD', ...window,
      }).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ status: 'REQUESTED', requesterPhoneMasked: '138****1234' }));
      const events = await t.dataSource.query(`SELECT payload FROM outbox_event WHERE event_type = 'parcel.pickup_requested' AND aggregate_id = ?`, [res.body.id]);
      expect(events).toHaveLength(1);
      await c.agentA.post(`${A()}/up-parcels`, upParcel({ homePickupRequestId: res.body.id })).expect(201);
      const list = await c.agentA.get(`${A()}/home-pickups?status=PICKED_UP`).expect(200);
      expect(list.body.items.map((r: { id: string }) => r.id)).toContain(res.body.id);
    });

    it('should refuse a window that ends before it starts, and let an agent cancel with a reason', async () => {
      await c.agentA.post(`${A()}/home-pickups`, { requesterName: '李四', requesterPhone: phone(), address: '村部', windowStart: window.windowEnd, windowEnd: window.windowStart }).expect(400);
      const res = await c.agentA.post(`${A()}/home-pickups`, { requesterName: '李四', requesterPhone: phone(), address: '村部', ...window }).expect(201);
      await c.agentB.post(`/api/v1/home-pickups/${res.body.id}/cancel`, { reason: '自行寄件' }).expect(404);
      const cancelled = await c.agentA.post(`/api/v1/home-pickups/${res.body.id}/cancel`, { reason: '自行寄件' }).expect(200);
      expect(cancelled.body.status).toBe('CANCELLED');
    });
  });

  describe('hand-over', () => {
    it('should hand the waiting parcels of one carrier to its courier as one record', async () => {
      const jt = [upParcel({ carrierCode: 'JT' }), upParcel({ carrierCode: 'JT' })];
      for (const p of jt) await c.agentA.post(`${A()}/up-parcels`, p).expect(201);
      await c.agentA.post(`${A()}/up-parcels`, upParcel({ carrierCode: 'STO' })).expect(201);
      const res = await c.agentA.post(`${A()}/handovers`, {
        carrierCode: 'JT', courierName: '王师傅', courierPhone: '13807379999', courierSignature: '王建国',
      }).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ parcelCount: 2, courierPhoneMasked: '138****9999', agentUserId: org.users.agentA.id }));
      expect(res.body.waybillNos.sort()).toEqual(jt.map((p) => p.waybillNo).sort());
      const left = await c.agentA.get(`${A()}/up-parcels?status=REGISTERED&carrierCode=JT`).expect(200);
      expect(left.body.items).toEqual([]);
      expectErrorBody((await c.agentA.post(`${A()}/handovers`, {
        carrierCode: 'JT', courierName: '王师傅', courierPhone: '13807379999', courierSignature: '王建国',
      }).expect(422)).body, 422, 'NOTHING_TO_HAND_OVER');
      expect((await c.agentA.get(`${A()}/handovers`).expect(200)).body.items[0].id).toBe(res.body.id);
    });

    it('should refuse listed parcels that are not waiting for that carrier', async () => {
      const p = (await c.agentA.post(`${A()}/up-parcels`, upParcel({ carrierCode: 'EMS', waybillNo: `EA${Date.now()}`.slice(0, 13) })).expect(201)).body;
      const res = await c.agentA.post(`${A()}/handovers`, {
        carrierCode: 'SF', courierName: '王师傅', courierPhone: '13807379999', courierSignature: '王建国', upParcelIds: [p.id],
      }).expect(422);
      expectErrorBody(res.body, 422, 'HANDOVER_PARCELS_NOT_ELIGIBLE');
    });
  });
});
