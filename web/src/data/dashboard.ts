import { ApiError, get, Page } from '../api/http';
import { session } from '../api/session';

/**
 * What the manager's screens read: the dashboards API (`/dashboards/{name}`, figures from the daily
 * roll-ups), the settlement runs, and the CSV / Excel downloads of the dashboards and the lists.
 */
export type ScopeKind = 'company' | 'region' | 'point';
export type Scope = { scope: ScopeKind; regionId?: string; pointId?: string; name: string };
export type Row = Record<string, string | number | null>;
export type Column = { key: string; header: string; kind: 'text' | 'int' | 'fen' | 'date' | 'percent' };
export type Dashboard<R = Row> = { dashboard: string; title: string; scope: { scope: ScopeKind; id: string | null; name: string }; from: string; to: string; columns: Column[]; rows: R[] };

export type IntakeRow = { productId: string; productName: string; gradeCode: string | null; lineCount: number; quantityBase: number; baseUnit: string; amountFen: number };
export type QcRow = { productId: string; productName: string; deliveredBase: number; acceptedBase: number; rejectedBase: number; passRateBp: number | null; baseUnit: string };
export type ChannelRow = { channelKind: string; channelName: string; revenueFen: number; farmerFen: number; commissionFen: number; unitsBase: number };
export type DayRow = { day: string; channelKind: string; channelName: string; revenueFen: number; farmerFen: number };
export type EarningsRow = { earnedFen: number; adjustmentsFen: number; settledFen: number; statementCount: number; paidFen: number; payoutCount: number; pendingFen: number };
export type ParcelRow = { carrierCode: string; carrierName: string; downCount: number; collectedCount: number; returnedCount: number; upCount: number; upShareBp: number | null };
export type VillageRow = { rank: number; villageId: string; villageName: string; earnedFen: number; hardshipEarnedFen: number };

export type SettlementRun = { id: string; periodKey: string; status: string; statementCount: number; totalFen: number; createdAt: string; approvedAt: string | null };
export const settlementRuns = () => get<Page<SettlementRun>>('/settlement-runs?limit=20');

function scopeQuery(s: Scope, from: string, to: string): URLSearchParams {
  const q = new URLSearchParams({ scope: s.scope, from, to });
  if (s.scope === 'region' && s.regionId) q.set('regionId', s.regionId);
  if (s.scope === 'point' && s.pointId) q.set('pointId', s.pointId);
  return q;
}

export function dashboard<R = Row>(name: string, s: Scope, from: string, to: string, limit?: number): Promise<Dashboard<R>> {
  const q = scopeQuery(s, from, to);
  if (limit) q.set('limit', String(limit));
  return get<Dashboard<R>>(`/dashboards/${name}?${q}`);
}

/** The export of a dashboard: the same query as the chart plus the format. */
export const dashboardExportPath = (name: string, s: Scope, from: string, to: string, format: 'csv' | 'xlsx') => {
  const q = scopeQuery(s, from, to);
  q.set('format', format);
  return `/dashboards/${name}/export?${q}`;
};

/** The list exports a manager sees, filtered like the dashboards (the point when one is picked; the days for dated lists). */
export const LIST_EXPORTS = [
  { key: 'consignments', name: '交售记录', path: '/consignments/export', dated: true },
  { key: 'statements', name: '结算单', path: '/statements/export', dated: false },
  { key: 'payouts', name: '打款记录', path: '/payouts/export', dated: true },
] as const;

export function listExportPath(list: (typeof LIST_EXPORTS)[number], s: Scope, from: string, to: string, format: 'csv' | 'xlsx'): string {
  const q = new URLSearchParams({ format });
  if (s.scope === 'point' && s.pointId) q.set('pointId', s.pointId);
  if (list.dated) { q.set('from', from); q.set('to', to); }
  return `${list.path}?${q}`;
}

/**
 * Downloads need the bearer token, so a plain link cannot do: fetch the file as a blob and save it
 * through an object URL under the server's file name (Content-Disposition).
 */
export async function download(path: string, fallbackName: string, retried = false): Promise<void> {
  const token = session.current?.accessToken;
  const res = await fetch(`/api/v1${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch(() => {
    throw new ApiError(0, 'NETWORK', '网络不通，请稍后再试');
  });
  if (res.status === 401 && !retried) {
    // Any JSON call refreshes an expired token; then try the download once more.
    await get('/auth/me');
    return download(path, fallbackName, true);
  }
  if (!res.ok) {
    const e = await res.json().catch(() => ({})) as { code?: string; message?: string };
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? `下载失败（${res.status}）`);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName(res.headers.get('Content-Disposition')) ?? fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileName(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
}

type Me = { role: string; pointIds: string[]; regionId: string | null };
type PointItem = { id: string; name: string };

/**
 * The scopes the caller may pick, the default first: the company for admins, their region for region
 * managers, their points for agents; then each visible point (up to 100).
 */
export async function scopeChoices(): Promise<Scope[]> {
  const [me, points] = await Promise.all([
    get<Me>('/auth/me'),
    get<Page<PointItem>>('/points?limit=100&active=true').then((p) => p.items).catch(() => [] as PointItem[]),
  ]);
  const out: Scope[] = [];
  if (me.role === 'ADMIN') out.push({ scope: 'company', name: '全公司' });
  if (me.role === 'REGION_MANAGER' && me.regionId) out.push({ scope: 'region', regionId: me.regionId, name: '本区域' });
  const mine = me.role === 'AGENT' && session.current?.pointId ? session.current.pointId : null;
  const sorted = mine ? [...points].sort((a, b) => Number(b.id === mine) - Number(a.id === mine)) : points;
  for (const p of sorted) out.push({ scope: 'point', pointId: p.id, name: p.name });
  return out;
}
