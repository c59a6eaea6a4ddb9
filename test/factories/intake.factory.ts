import { randomUUID } from 'crypto';
import { TestProducts } from './catalog.factory';

/** A 3-line consignment body: 30 枚 土鸡蛋 A, 2.5 斤 坛子菜 A, 2 瓶 豆腐乳 A. */
export function consignmentBody(pointId: string, farmerId: string, products: TestProducts, extra: Record<string, unknown> = {}) {
  return {
    clientId: randomUUID(), pointId, farmerId, capturedAt: new Date(Date.now() - 60_000).toISOString(),
    lines: [
      { productId: products.egg.id, quantity: 30, unit: '枚', gradeCode: 'A' },
      { productId: products.tzc.id, quantity: '2.5', unit: '斤', gradeCode: 'A' },
      { productId: products.dfr.id, quantity: 2, unit: '瓶', gradeCode: 'A' },
    ],
    ...extra,
  };
}
