import { get, Page } from '../../api/http';
import type { Point, Product } from './types';

/** Products and the point are cached on the phone so the intake form works with the network down. */
export async function loadProducts(): Promise<Product[]> {
  try {
    const items = (await get<Page<Product>>('/products?active=true&limit=200')).items;
    localStorage.setItem('vc.products', JSON.stringify(items));
    return items;
  } catch (e) {
    const cached = localStorage.getItem('vc.products');
    if (cached) return JSON.parse(cached);
    throw e;
  }
}

export async function loadPoint(id: string): Promise<Point> {
  const cached = localStorage.getItem('vc.point');
  const parsed = cached ? (JSON.parse(cached) as Point) : null;
  if (parsed?.id === id) return parsed;
  const p = await get<Point>(`/points/${id}`);
  localStorage.setItem('vc.point', JSON.stringify(p));
  return p;
}

export type Carrier = { id: string; code: string; name: string; activeAtPoint?: boolean };

/** The carriers active at the point, kept on the phone so arrivals can be registered offline. */
export async function loadCarriers(pointId: string): Promise<Carrier[]> {
  const key = `vc.carriers.${pointId}`;
  try {
    const carriers = (await get<Carrier[]>(`/points/${pointId}/carriers`)).filter((c) => c.activeAtPoint !== false);
    localStorage.setItem(key, JSON.stringify(carriers));
    return carriers;
  } catch {
    return JSON.parse(localStorage.getItem(key) ?? '[]');
  }
}

/** Loads the agent's screens into memory so they still open when the network drops. */
export function warmAgentScreens(): void {
  void import('./Intake.vue');
  void import('./OfflineQueue.vue');
  void import('./Consignment.vue');
  void import('./DaySheet.vue');
  void import('./Parcels.vue');
}
