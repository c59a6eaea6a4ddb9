import request from 'supertest';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { farmerBody } from '../factories/farmer.factory';
import { arrival, manifestCsv, phone, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor, login } from '../support/http';

/** Parcels are linked to registered farmers of the point's company by the recipient's phone. */
describe('Down parcels: linking recipients to registered farmers (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let c: Record<'agentA', Caller>;
  let farmerId: string;
  const farmerPhone = phone();

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.dataSource);
    other = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { agentA: org.users.agentA });
    const farmer = await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id, { phone: farmerPhone })).expect(201);
    farmerId = farmer.body.id;
  });
  afterAll(() => t.close());

  it("should link a scanned parcel to the farmer owning the phone, within the point's company", async () => {
    const linked = await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival({ recipientPhone: farmerPhone })).expect(201);
    expect(linked.body.recipientFarmerId).toBe(farmerId);
    const unknown = await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival()).expect(201);
    expect(unknown.body.recipientFarmerId).toBeNull();
    // The same phone at another company's point links to nobody there.
    const otherAgent = (await callersFor(t.http, { a: other.users.agentA })).a;
    const elsewhere = await otherAgent.post(`/api/v1/points/${other.pointA.id}/parcels`, arrival({ recipientPhone: farmerPhone })).expect(201);
    expect(elsewhere.body.recipientFarmerId).toBeNull();
  });

  it('should link manifest rows to farmers', async () => {
    const token = (await login(t.http, org.users.agentA.username)).accessToken;
    const csv = manifestCsv([[waybill('F'), 'ZTO', '吴金兰', farmerPhone, 500], [waybill('F'), 'ZTO', '李四', phone(), 500]]);
    const res = await request(t.http).post(`/api/v1/points/${org.pointA.id}/parcels/manifest`)
      .set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csv).expect(201);
    const rows = await t.dataSource.query('SELECT recipient_farmer_id AS farmer FROM down_parcel WHERE manifest_id = ? ORDER BY id', [res.body.manifestId]);
    expect(rows.map((r: { farmer: string | null }) => r.farmer)).toEqual([farmerId, null]);
  });
});
