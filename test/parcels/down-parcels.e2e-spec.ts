import request from 'supertest';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival, manifestCsv, phone, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, expectErrorBody, login } from '../support/http';

describe('Down parcels: carriers, arrivals, manifests (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'admin' | 'manager' | 'agentA' | 'agentB' | 'warehouseStaff', Caller>;
  let agentAToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, org.users);
    agentAToken = (await login(t.http, org.users.agentA.username)).accessToken;
  });
  afterAll(() => t.close());

  const A = () => `/api/v1/points/${org.pointA.id}`;
  const postCsv = (url: string, csv: string) =>
    request(t.http).post(url).set('Authorization', `Bearer ${agentAToken}`).set('Content-Type', 'text/csv').send(csv);
  const count = async (sql: string, params: unknown[]) => Number((await t.dataSource.query(sql, params))[0].n);

  describe('carriers', () => {
    it('should list the seeded carriers', async () => {
      const res = await c.agentA.get('/api/v1/carriers').expect(200);
      expect(res.body.map((x: { code: string }) => x.code)).toEqual(expect.arrayContaining(['EMS', 'SF', 'ZTO', 'YTO', 'STO', 'YD', 'JT', 'JD', 'DB']));
    });

    it('should let only an admin add a carrier', async () => {
      const code = `X${Date.now().toString(36).toUpperCase()}`.slice(0, 12);
      await c.agentA.post('/api/v1/carriers', { code, name: '测试快递' }).expect(403);
      const res = await c.admin.post('/api/v1/carriers', { code, name: '测试快递' }).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ code, active: true }));
      expectErrorBody((await c.admin.post('/api/v1/carriers', { code, name: '重复' }).expect(409)).body, 409, 'CARRIER_CODE_TAKEN');
    });

    it('should refuse arrivals of a carrier switched off at the point, and accept them again when switched on', async () => {
      const jd = (await c.agentA.get(`${A()}/carriers`).expect(200)).body.find((x: { code: string }) => x.code === 'JD');
      expect(jd.activeAtPoint).toBe(true);
      await c.agentA.put(`${A()}/carriers/${jd.id}`, { active: false }).expect(200);
      const res = await c.agentA.post(`${A()}/parcels`, arrival({ carrierCode: 'JD' })).expect(422);
      expectErrorBody(res.body, 422, 'CARRIER_NOT_AVAILABLE');
      // Other points are unaffected.
      await c.agentB.post(`/api/v1/points/${org.pointB.id}/parcels`, arrival({ carrierCode: 'JD' })).expect(201);
      await c.agentA.put(`${A()}/carriers/${jd.id}`, { active: true }).expect(200);
      await c.agentA.post(`${A()}/parcels`, arrival({ carrierCode: 'JD' })).expect(201);
    });

    it('should refuse an unknown carrier', async () => {
      expectErrorBody((await c.agentA.post(`${A()}/parcels`, arrival({ carrierCode: 'NOPE' })).expect(422)).body, 422, 'CARRIER_NOT_AVAILABLE');
    });
  });

  describe('arrival by scan', () => {
    it('should register a parcel with a shelf-layer-seq pickup code and a masked phone', async () => {
      const body = arrival({ recipientPhone: '13807371234' });
      const res = await c.agentA.post(`${A()}/parcels`, body).expect(201);
      expect(res.body).toEqual(expect.objectContaining({
        pointId: org.pointA.id, carrierCode: 'ZTO', waybillNo: body.waybillNo, status: 'AWAITING_PICKUP',
        recipientPhoneMasked: '138****1234', source: 'SCAN',
      }));
      expect(res.body.pickupCode).toMatch(/^\d{1,2}-\d{1,2}-\d{4}$/);
      expect(JSON.stringify(res.body)).not.toContain('13807371234');
      const events = await t.dataSource.query(`SELECT payload FROM outbox_event WHERE event_type = 'parcel.arrived' AND aggregate_id = ?`, [res.body.id]);
      expect(events).toHaveLength(1);
      expect(events[0].payload).toEqual(expect.objectContaining({ pickupCode: res.body.pickupCode, recipientPhone: '13807371234' }));
      expect(await count(`SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'down_parcel' AND entity_id = ? AND action = 'arrive'`, [res.body.id])).toBe(1);
    });

    it('should warn, not refuse, when a waybill does not look like the carrier\'s usual numbers', async () => {
      const res = await c.agentA.post(`${A()}/parcels`, arrival({ carrierCode: 'SF', waybillNo: waybill('QQ') })).expect(201);
      expect(res.body.warnings).toEqual([expect.objectContaining({ field: 'waybillNo' })]);
      const sf = await c.agentA.post(`${A()}/parcels`, arrival({ carrierCode: 'SF', waybillNo: `SF${Date.now()}` })).expect(201);
      expect(sf.body.warnings).toEqual([]);
    });

    it.each([['short', 'AB12345'], ['too long', 'A'.repeat(21)], ['symbols', 'AB-1234567'], ['chinese', '运单12345678']])(
      'should refuse a waybill that is %s, writing nothing', async (_, waybillNo) => {
        const before = await count('SELECT COUNT(*) AS n FROM down_parcel WHERE point_id = ?', [org.pointA.id]);
        const res = await c.agentA.post(`${A()}/parcels`, arrival({ waybillNo })).expect(400);
        expectErrorBody(res.body, 400, 'VALIDATION_FAILED');
        expect(res.body.details[0].field).toBe('waybillNo');
        expect(await count('SELECT COUNT(*) AS n FROM down_parcel WHERE point_id = ?', [org.pointA.id])).toBe(before);
      });

    it('should refuse a duplicate waybill of the same carrier, but accept it for another carrier', async () => {
      const body = arrival();
      await c.agentA.post(`${A()}/parcels`, body).expect(201);
      const dup = await c.agentA.post(`${A()}/parcels`, { ...body, waybillNo: body.waybillNo.toLowerCase() }).expect(409);
      expectErrorBody(dup.body, 409, 'WAYBILL_ALREADY_REGISTERED');
      // Also at another point: the waybill is the carrier's, not the point's.
      await c.agentB.post(`/api/v1/points/${org.pointB.id}/parcels`, body).expect(409);
      await c.agentA.post(`${A()}/parcels`, { ...body, carrierCode: 'YTO' }).expect(201);
    });

    it('should register a retried scan once (same clientId)', async () => {
      const body = arrival({ clientId: `scan-${waybill()}` });
      const first = await c.agentA.post(`${A()}/parcels`, body).expect(201);
      const again = await c.agentA.post(`${A()}/parcels`, body).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await count('SELECT COUNT(*) AS n FROM down_parcel WHERE waybill_no = ?', [body.waybillNo])).toBe(1);
    });

    it('should answer 404 to an agent registering at a point not theirs, and 403 to a manager', async () => {
      expectErrorBody((await c.agentA.post(`/api/v1/points/${org.pointB.id}/parcels`, arrival()).expect(404)).body, 404, 'POINT_NOT_FOUND');
      await c.manager.post(`${A()}/parcels`, arrival()).expect(403);
      await c.agentA.get(`/api/v1/points/${org.pointB.id}/parcels`).expect(404);
    });

    it('should keep pickup codes unique under 20 concurrent arrivals at one point', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => c.agentB.post(`/api/v1/points/${org.pointB.id}/parcels`, arrival())));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      const codes = results.map((r) => r.body.pickupCode);
      expect(new Set(codes).size).toBe(20);
      const open = await t.dataSource.query(
        'SELECT open_pickup_code AS code, COUNT(*) AS n FROM down_parcel WHERE point_id = ? AND open_pickup_code IS NOT NULL GROUP BY open_pickup_code HAVING n > 1', [org.pointB.id]);
      expect(open).toEqual([]);
    });

    it('should follow the point\'s shelf layout', async () => {
      await c.agentB.put(`/api/v1/points/${org.pointB.id}/parcel-station`, { shelfCount: 2, layerCount: 1 }).expect(200);
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) codes.push((await c.agentB.post(`/api/v1/points/${org.pointB.id}/parcels`, arrival()).expect(201)).body.pickupCode);
      expect(codes.every((code) => /^[12]-1-\d{4}$/.test(code))).toBe(true);
      expect((await c.agentB.get(`/api/v1/points/${org.pointB.id}/parcel-station`).expect(200)).body).toEqual(
        expect.objectContaining({ shelfCount: 2, layerCount: 1, codeCapacity: 20_000 }));
    });
  });

  describe('manifest import', () => {
    const good = () => [waybill('M'), 'ZTO', '吴金兰', phone(), 800];

    it('should import a manifest in one go and give each parcel a code', async () => {
      const rows = [good(), good(), [waybill('M'), '韵达快递', '李四', phone(), ''], good()];
      const res = await postCsv(`${A()}/parcels/manifest`, manifestCsv(rows)).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ rowCount: 4, importedCount: 4, alreadyRegisteredCount: 0, rejectedCount: 0 }));
      const parcels = await t.dataSource.query('SELECT pickup_code, source, carrier_id FROM down_parcel WHERE manifest_id = ?', [res.body.manifestId]);
      expect(parcels).toHaveLength(4);
      expect(new Set(parcels.map((p: { pickup_code: string }) => p.pickup_code)).size).toBe(4);
      // One arrival event for the manifest, standing for each parcel's (the SMS consumer expands it: manifest-sms.e2e-spec.ts).
      const events = await t.dataSource.query(`SELECT payload FROM outbox_event WHERE event_type = 'parcel.manifest_arrived' AND aggregate_id = ?`, [res.body.manifestId]);
      const [{ first }] = await t.dataSource.query('SELECT MIN(id) AS first FROM down_parcel WHERE manifest_id = ?', [res.body.manifestId]);
      expect(events.map((e: { payload: unknown }) => e.payload)).toEqual([expect.objectContaining({
        manifestId: res.body.manifestId, pointId: org.pointA.id, firstParcelId: String(first), parcelCount: 4,
      })]);
    });

    it('should import a file registered in part: the registered rows are skipped and counted once', async () => {
      const registered = good();
      await postCsv(`${A()}/parcels/manifest`, manifestCsv([registered])).expect(201);
      const received = async () => count(`SELECT COALESCE(SUM(received), 0) AS n FROM parcel_daily_count WHERE point_id = ? AND direction = 'DOWN'`, [org.pointA.id]);
      const receivedBefore = await received();
      // The registered row comes last, so the import meets it only on the unique index.
      const res = await postCsv(`${A()}/parcels/manifest`, manifestCsv([good(), good(), registered])).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ rowCount: 3, importedCount: 2, alreadyRegisteredCount: 1, rejectedCount: 0 }));
      expect(res.body.alreadyRegistered).toEqual([expect.objectContaining({ line: 4, waybillNo: registered[0] })]);
      expect(await count('SELECT COUNT(*) AS n FROM down_parcel WHERE manifest_id = ?', [res.body.manifestId])).toBe(2);
      expect(await count('SELECT COUNT(*) AS n FROM down_parcel WHERE waybill_no = ?', [registered[0]])).toBe(1);
      expect(await received()).toBe(receivedBefore + 2);
      const [manifest] = await t.dataSource.query('SELECT imported_count, already_registered_count FROM parcel_manifest WHERE id = ?', [res.body.manifestId]);
      expect(manifest).toEqual({ imported_count: 2, already_registered_count: 1 });
    });

    it('should import rows whose waybill does not look like the carrier\'s, with a warning per row', async () => {
      const res = await postCsv(`${A()}/parcels/manifest`, manifestCsv([[waybill('QQ'), 'SF', '张三', phone(), 100], [`SF${Date.now()}`.slice(0, 15), 'SF', '李四', phone(), 100]])).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ importedCount: 2 }));
      expect(res.body.warnings).toEqual([expect.objectContaining({ line: 2, field: 'waybill', message: expect.stringContaining('第2行') })]);
    });

    it('should read quoted fields and CRLF line ends', async () => {
      const w = waybill('Q');
      const csv = `waybill,carrier,recipient_name,recipient_phone,weight_g\r\n"${w}",ZTO,"吴, 金兰",${phone()},"800"\r\n`;
      const res = await postCsv(`${A()}/parcels/manifest`, csv).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ importedCount: 1 }));
      const [row] = await t.dataSource.query('SELECT recipient_name, weight_g FROM down_parcel WHERE manifest_id = ?', [res.body.manifestId]);
      expect(row).toEqual({ recipient_name: '吴, 金兰', weight_g: 800 });
    });

    it('should change nothing when the same manifest is imported again', async () => {
      const csv = manifestCsv([good(), good(), good()]);
      await postCsv(`${A()}/parcels/manifest`, csv).expect(201);
      const snapshot = async () => ({
        parcels: await count('SELECT COUNT(*) AS n FROM down_parcel', []),
        events: await count('SELECT COUNT(*) AS n FROM outbox_event', []),
        counters: await t.dataSource.query('SELECT * FROM parcel_daily_count WHERE point_id = ? ORDER BY carrier_id, business_day, direction', [org.pointA.id]),
        manifests: await count('SELECT COUNT(*) AS n FROM parcel_manifest', []),
      });
      const before = await snapshot();
      const again = await postCsv(`${A()}/parcels/manifest`, csv).expect(201);
      expect(again.body).toEqual(expect.objectContaining({ importedCount: 0, alreadyRegisteredCount: 3, manifestId: null }));
      expect(again.body.alreadyRegistered[0]).toEqual(expect.objectContaining({ line: 2, parcelId: expect.any(String) }));
      expect(await snapshot()).toEqual(before);
    });

    it('should report every bad row with its line number and import nothing by default', async () => {
      const dupWaybill = waybill('D');
      const rows = [
        good(),
        ['BAD-1', 'ZTO', '张三', phone(), 100],
        [waybill('M'), 'NOPE', '张三', phone(), 100],
        [waybill('M'), 'ZTO', '张三', '12345', 100],
        [waybill('M'), 'ZTO', '张三', phone(), -5],
        [dupWaybill, 'ZTO', '张三', phone(), 100],
        [dupWaybill, 'ZTO', '张三', phone(), 100],
      ];
      const before = await count('SELECT COUNT(*) AS n FROM down_parcel', []);
      const res = await postCsv(`${A()}/parcels/manifest`, manifestCsv(rows)).expect(422);
      expectErrorBody(res.body, 422, 'MANIFEST_REJECTED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([
        'rows.3.waybill', 'rows.4.carrier', 'rows.5.recipient_phone', 'rows.6.weight_g', 'rows.8.waybill',
      ]);
      expect(res.body.details[0].message).toContain('第3行');
      expect(await count('SELECT COUNT(*) AS n FROM down_parcel', [])).toBe(before);
    });

    it('should import only the good rows when asked', async () => {
      const okRow = good();
      const res = await postCsv(`${A()}/parcels/manifest?mode=good_rows`, manifestCsv([okRow, ['x', 'ZTO', '张三', phone(), 1]])).expect(201);
      expect(res.body).toEqual(expect.objectContaining({ importedCount: 1, rejectedCount: 1 }));
      expect(res.body.rejected[0]).toEqual(expect.objectContaining({ line: 3, field: 'waybill' }));
      expect(await count('SELECT COUNT(*) AS n FROM down_parcel WHERE waybill_no = ?', [okRow[0]])).toBe(1);
    });

    it('should refuse a manifest without the expected header', async () => {
      const res = await postCsv(`${A()}/parcels/manifest`, 'a,b,c\n1,2,3').expect(400);
      expectErrorBody(res.body, 400, 'MANIFEST_BAD_HEADER');
    });

    it('should answer 404 for another point\'s manifest upload', async () => {
      await postCsv(`/api/v1/points/${org.pointB.id}/parcels/manifest`, manifestCsv([good()])).expect(404);
    });
  });
});
