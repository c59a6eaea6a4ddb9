import { DEMO_PRICES_FROM, DEMO_PRODUCTS } from '../../src/demo/demo-catalog';
import { Caller } from '../support/http';

export type TestProducts = Record<'egg' | 'tzc' | 'dfr', { id: string; code: string }>;

/** Creates 土鸡蛋 (piece, purchase), 坛子菜 (gram, consignment) and 豆腐乳 (jar) with prices, through the API. */
export async function createTestProducts(admin: Caller): Promise<TestProducts> {
  const out: Record<string, { id: string; code: string }> = {};
  for (const code of ['EGG', 'TZC', 'DFR']) {
    const { prices, ...product } = DEMO_PRODUCTS.find((p) => p.code === code)!;
    const res = await admin.post('/api/v1/products', product);
    if (res.status !== 201) throw new Error(`product ${code}: ${res.status} ${JSON.stringify(res.body)}`);
    for (const price of prices) {
      const p = await admin.post(`/api/v1/products/${res.body.id}/prices`, { ...price, effectiveFrom: DEMO_PRICES_FROM });
      if (p.status !== 201) throw new Error(`price ${code}: ${p.status} ${JSON.stringify(p.body)}`);
    }
    out[code.toLowerCase()] = { id: res.body.id, code };
  }
  return out as TestProducts;
}
