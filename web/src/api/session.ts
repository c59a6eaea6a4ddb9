import { reactive } from 'vue';

/** Who is logged in on this phone; kept in localStorage so a reload at the counter keeps the session. */
export type Session = {
  accessToken: string;
  refreshToken: string;
  kind: 'staff' | 'farmer';
  role: string;
  id: string;
  pointIds: string[];
  warehouseIds: string[];
  /** the point the agent works at today (picked after login) */
  pointId?: string;
  displayName?: string;
};

const KEY = 'vc.session';

function load(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

export const session = reactive<{ current: Session | null }>({ current: load() });

export function saveSession(s: Session | null): void {
  session.current = s;
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

export function updateSession(patch: Partial<Session>): void {
  if (session.current) saveSession({ ...session.current, ...patch });
}

/** Where each role starts. */
export function homeFor(s: Session | null): string {
  if (!s) return '/login';
  if (s.kind === 'farmer') return '/farmer';
  switch (s.role) {
    case 'AGENT': return s.pointId ? '/agent' : '/agent/point';
    case 'WAREHOUSE_STAFF': return '/warehouse';
    default: return '/manager';
  }
}
