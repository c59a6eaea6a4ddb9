import { get, Page } from '../api/http';

/**
 * What the manager's dashboard reads, behind one small interface. Today it is assembled from the
 * routes that exist (sales reports, parcel region counts, settlement runs); when the dashboards API
 * (/api/v1/dashboards/…) lands, each function switches to it and the page does not change.
 */
export type ChannelSales = { channelKind: string; channelId: string; revenueFen: number; farmerFen: number; packs: number };
export type DaySales = { day: string; revenueFen: number; farmerFen: number; packs: number };
export type ParcelPeriod = { periodStart: string; received: number; sent: number; byCarrier: Array<{ carrierCode: string; received: number; sent: number }> };
export type ParcelReport = { regionId: string; regionName: string; periods: ParcelPeriod[]; total: { received: number; sent: number; upSharePercent: number | null } };
export type SettlementRun = { id: string; periodKey: string; status: string; statementCount: number; totalFen: number; createdAt: string; approvedAt: string | null };

export const salesByChannel = (from: string, to: string) => get<ChannelSales[]>(`/sales-reports?groupBy=channel&from=${from}&to=${to}`);
export const salesByDay = (from: string, to: string) => get<DaySales[]>(`/sales-reports?groupBy=day&from=${from}&to=${to}`);
export const parcelsByRegion = (regionId: string, from: string, to: string) =>
  get<ParcelReport>(`/parcel-counts/regions/${regionId}?period=day&from=${from}&to=${to}`);
export const settlementRuns = () => get<Page<SettlementRun>>('/settlement-runs?limit=20');

export type PointIntake = { pointId: string; pointName: string; consignmentCount: number; acceptedAmountFen: number };
export type ProductQc = { productName: string; acceptedBase: number; rejectedBase: number; passRatePercent: number | null };

type DaySheet = { consignmentCount: number; products: Array<{ productName: string; acceptedQuantityBase: number; rejectedQuantityBase: number; acceptedAmountFen: number }> };

/**
 * One day's intake per point and QC pass rate per product (in the product's own base unit, so
 * grams and pieces never mix), from the points' day sheets: at most `maxPoints` requests until the
 * dashboards API answers it in one.
 */
export async function intakeOfDay(day: string, maxPoints = 20): Promise<{ points: PointIntake[]; products: ProductQc[]; truncated: boolean }> {
  const all = (await get<Page<{ id: string; name: string }>>('/points?limit=100&active=true')).items;
  const points = all.slice(0, maxPoints);
  const sheets = await Promise.all(points.map((p) => get<DaySheet>(`/points/${p.id}/day-sheet?day=${day}`).catch(() => null)));
  const byProduct = new Map<string, { acceptedBase: number; rejectedBase: number }>();
  const rows: PointIntake[] = [];
  sheets.forEach((s, i) => {
    if (!s) return;
    rows.push({ pointId: points[i].id, pointName: points[i].name, consignmentCount: s.consignmentCount, acceptedAmountFen: s.products.reduce((sum, p) => sum + p.acceptedAmountFen, 0) });
    for (const p of s.products) {
      const e = byProduct.get(p.productName) ?? { acceptedBase: 0, rejectedBase: 0 };
      e.acceptedBase += p.acceptedQuantityBase;
      e.rejectedBase += p.rejectedQuantityBase;
      byProduct.set(p.productName, e);
    }
  });
  const products = [...byProduct.entries()].map(([productName, e]) => ({
    productName, ...e, passRatePercent: e.acceptedBase + e.rejectedBase ? Math.round((1000 * e.acceptedBase) / (e.acceptedBase + e.rejectedBase)) / 10 : null,
  }));
  return { points: rows, products, truncated: all.length > points.length };
}

type Region = { id: string; path: string; name: string };

/** The region the caller oversees: the deepest region containing every point they can see. */
export async function ownRegionId(): Promise<string | null> {
  const points = (await get<Page<{ regionId: string }>>('/points?limit=100')).items;
  const ids = [...new Set(points.map((p) => p.regionId))].slice(0, 20);
  if (!ids.length) return null;
  const regions = await Promise.all(ids.map((id) => get<Region>(`/regions/${id}`)));
  const paths = regions.map((r) => r.path.split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; paths.every((p) => p[i] !== undefined && p[i] === paths[0][i]); i++) common.push(paths[0][i]);
  // Every point in one village: report the village's parent as well would hide nothing, keep it.
  return common.at(-1) ?? null;
}
