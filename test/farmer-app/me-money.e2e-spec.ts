process.env.PAYOUT_BACKOFF_MS = '50';
import { INestApplicationContext } from '@nestjs/common';
import { businessDay } from '../../src/common/business-day';
import { LedgerService } from '../../src/ledger/ledger.service';
import { SaleChannel } from '../../src/ledger/ledger.enums';
import { createTestProducts, TestProducts } from '../factories/catalog.factory';
import { farmerBody } from '../factories/farmer.factory';
import { createTestOrg, TestOrg } from '../factories/organization.factory';
import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { loginFarmer, postSaleEarning } from '../support/farmer-app';
import { acceptEggs, drainAll } from '../support/ledger';
import { startWorker } from '../support/worker';

/** The farmer app's money routes: a farmer reads only their own money, statements, payouts and earnings. */
describe('Farmer app: /me money, statements, payouts, earnings (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let c: Record<'admin' | 'agentA', Caller>;
  let products: TestProducts;
  type F = { id: string; phone: string; eggs: number; statementId: string; payoutId: string; caller: Caller };
  const farmers: F[] = [];
  const today = businessDay(new Date());

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker();
    org = await createTestOrg(t.dataSource);
    c = await callersFor(t.http, { admin: org.users.admin, agentA: org.users.agentA });
    products = await createTestProducts(c.admin);
    for (const eggs of [10, 20]) {
      const f = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body;
      await acceptEggs(c.agentA, org.pointA.id, f.id, products, eggs);
      farmers.push({ id: f.id, phone: f.phone, eggs, statementId: '', payoutId: '', caller: await loginFarmer(t.http, t.dataSource, f.phone) });
    }
    await drainAll(worker);
    const run = (await c.admin.post('/api/v1/settlement-runs', { throughDay: today, periodKey: 'me-1' }).expect(201)).body;
    await c.admin.post(`/api/v1/settlement-runs/${run.id}/approve`).expect(200);
    const statements = (await c.admin.get(`/api/v1/settlement-runs/${run.id}/statements?limit=200`).expect(200)).body.items;
    for (const f of farmers) {
      f.statementId = statements.find((s: { farmerId: string }) => s.farmerId === f.id).id;
      f.payoutId = (await c.admin.post(`/api/v1/statements/${f.statementId}/payout`).expect(201)).body.id; // cash: awaiting hand-over
    }
    // earned after the run: pending
    await postSaleEarning(t.dataSource, t.app.get(LedgerService), { companyId: org.company.id, farmerId: farmers[0].id, amountFen: 700, channel: SaleChannel.ONLINE });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should show a farmer their money: balance, pending, in settlement, paying, paid and the last payout', async () => {
    const [a] = farmers;
    const money = (await a.caller.get('/api/v1/me/money').expect(200)).body;
    expect(money).toEqual(expect.objectContaining({ farmerId: a.id, balanceFen: 700, pendingFen: 700, inSettlementFen: 0, payingFen: 2000, paidFen: 0 }));
    expect(money.lastPayout).toEqual(expect.objectContaining({ id: a.payoutId, status: 'AWAITING_HANDOVER', amountFen: 2000 }));
  });

  it('should list statements with items, payouts and earnings by day and channel', async () => {
    const [a] = farmers;
    const list = (await a.caller.get('/api/v1/me/statements').expect(200)).body;
    expect(list.items.map((s: { id: string; totalFen: number }) => [s.id, s.totalFen])).toEqual([[a.statementId, 2000]]);
    const detail = (await a.caller.get(`/api/v1/me/statements/${a.statementId}`).expect(200)).body;
    expect(detail.items.map((i: { amountFen: number; channel: string }) => [i.amountFen, i.channel])).toEqual([[2000, 'PURCHASE']]);
    const payouts = (await a.caller.get('/api/v1/me/payouts').expect(200)).body;
    expect(payouts.items.map((p: { id: string }) => p.id)).toEqual([a.payoutId]);
    const earnings = (await a.caller.get(`/api/v1/me/earnings?from=${today}&to=${today}`).expect(200)).body;
    expect(earnings).toEqual({
      from: today, to: today, totalFen: 2700,
      days: [{ day: today, totalFen: 2700, channels: [{ channel: 'ONLINE', amountFen: 700, entryCount: 1 }, { channel: 'PURCHASE', amountFen: 2000, entryCount: 1 }] }],
    });
    expect((await a.caller.get('/api/v1/me/earnings').expect(200)).body.totalFen).toBe(2700);
    await a.caller.get('/api/v1/me/earnings?from=2020-01-01&to=2026-01-01').expect(400);
    await a.caller.get('/api/v1/me/earnings?from=yesterday').expect(400);
  });

  it("should never show one farmer another farmer's money, statements, payouts or earnings, on any /me route", async () => {
    for (const [self, other] of [[farmers[0], farmers[1]], [farmers[1], farmers[0]]]) {
      const routes = ['/api/v1/me', '/api/v1/me/consignments', '/api/v1/me/parcels', '/api/v1/me/price-board', '/api/v1/me/money',
        '/api/v1/me/statements', `/api/v1/me/statements/${self.statementId}`, '/api/v1/me/payouts', `/api/v1/me/earnings?from=${today}&to=${today}`];
      for (const route of routes) {
        const res = await self.caller.get(route).expect(200);
        const text = JSON.stringify(res.body);
        expect(text).not.toContain(other.phone);
        expect(text).not.toContain(`"statementId":"${other.statementId}"`);
        expect(text).not.toContain(`"farmerId":"${other.id}"`);
        expect(text).not.toContain(`"recipientFarmerId":"${other.id}"`);
      }
      const ids = async (route: string) => (await self.caller.get(route).expect(200)).body.items.map((x: { id: string }) => x.id);
      expect(await ids('/api/v1/me/statements')).toEqual([self.statementId]);
      expect(await ids('/api/v1/me/payouts')).toEqual([self.payoutId]);
      expect((await self.caller.get(`/api/v1/me/earnings?from=${today}&to=${today}`).expect(200)).body.totalFen).toBe(self.eggs * 200 + (self === farmers[0] ? 700 : 0));
      expect((await self.caller.get('/api/v1/me/money').expect(200)).body.farmerId).toBe(self.id);
      expect((await self.caller.get(`/api/v1/me/statements/${other.statementId}`)).status).toBe(404);
      expect((await self.caller.get(`/api/v1/payouts/${other.payoutId}`)).status).toBe(403);
      expect((await self.caller.get(`/api/v1/farmers/${other.id}/money`)).status).toBe(403);
    }
    await c.agentA.get('/api/v1/me/money').expect(403);
  });
});
