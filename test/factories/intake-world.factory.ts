import { createTestApp, TestApp } from '../setup/app';
import { Caller, callersFor } from '../support/http';
import { createTestProducts, TestProducts } from './catalog.factory';
import { farmerBody } from './farmer.factory';
import { createTestOrg, TestOrg } from './organization.factory';

export type IntakeWorld = {
  t: TestApp; org: TestOrg; c: Record<keyof TestOrg['users'], Caller>; products: TestProducts;
  /** a farmer of village A whose usual point is point A */
  farmerId: string;
};

/** What the intake-side test files start from: the app, an organization with a caller per user, the 3 test products and one farmer. */
export async function intakeWorld(): Promise<IntakeWorld> {
  const t = await createTestApp();
  const org = await createTestOrg(t.dataSource);
  const c = await callersFor(t.http, org.users);
  const products = await createTestProducts(c.admin);
  const farmerId = (await c.agentA.post('/api/v1/farmers', farmerBody(org.regions.villageA.id, org.pointA.id)).expect(201)).body.id as string;
  return { t, org, c, products, farmerId };
}
