import { FARMER_PHONE_LOOKUP, FarmerPhoneLookup } from '../../src/parcels/farmer-phone-lookup';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { arrival, manifestCsv, phone, waybill } from '../factories/parcel.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import request from 'supertest';
import { login } from '../support/http';

/** The farmers module is on another branch; its lookup is faked here to prove parcels link to farmers. */
describe('Down parcels: linking recipients to registered farmers (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let c: Record<'agentA', Caller>;
  const farmerPhone = phone();
  const calls: Array<{ companyId: string; phones: string[] }> = [];
  const fake: FarmerPhoneLookup = {
    findIdsByPhones: async (companyId, phones) => {
      calls.push({ companyId, phones });
      return new Map(phones.filter((p) => p === farmerPhone).map((p) => [p, '424242']));
    },
  };

  beforeAll(async () => {
    t = await createTestApp((b) => b.overrideProvider(FARMER_PHONE_LOOKUP).useValue(fake));
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { agentA: org.users.agentA });
  });
  afterAll(() => t.close());

  it('should link a scanned parcel to the farmer owning the phone, within the point\'s company', async () => {
    const linked = await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival({ recipientPhone: farmerPhone })).expect(201);
    expect(linked.body.recipientFarmerId).toBe('424242');
    const other = await c.agentA.post(`/api/v1/points/${org.pointA.id}/parcels`, arrival()).expect(201);
    expect(other.body.recipientFarmerId).toBeNull();
    expect(calls[0].companyId).toBe(org.company.id);
  });

  it('should link manifest rows with one lookup for the whole file', async () => {
    const token = (await login(t.http, org.users.agentA.username)).accessToken;
    calls.length = 0;
    const csv = manifestCsv([[waybill('F'), 'ZTO', '吴金兰', farmerPhone, 500], [waybill('F'), 'ZTO', '李四', phone(), 500]]);
    const res = await request(t.http).post(`/api/v1/points/${org.pointA.id}/parcels/manifest`)
      .set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(csv).expect(201);
    expect(calls).toHaveLength(1);
    const rows = await t.dataSource.query('SELECT recipient_farmer_id AS farmer FROM down_parcel WHERE manifest_id = ? ORDER BY id', [res.body.manifestId]);
    expect(rows.map((r: { farmer: string | null }) => r.farmer)).toEqual(['424242', null]);
  });
});
