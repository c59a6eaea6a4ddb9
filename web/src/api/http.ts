import { saveSession, session } from './session';

/** One field's problem, as the API reports it in `details` (Chinese message first). */
export type FieldDetail = { field: string; message: string; messageEn?: string };

/** The API's one error body, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldDetail[] = [],
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** field → Chinese message, for showing each next to its input. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) out[d.field] ??= d.message;
    return out;
  }
}

/**
 * Shows a failed request on its form: each field's Chinese message next to that field (the API's
 * `details[].field`), the whole message above the form; anything else (a bug) as text.
 */
export function showFormError(e: unknown, errors: Record<string, string>, formError: { value: string }): void {
  if (e instanceof ApiError) {
    Object.assign(errors, e.fieldErrors());
    formError.value = e.message;
  } else formError.value = String(e);
}

const BASE = '/api/v1';
let refreshing: Promise<boolean> | null = null;

async function refresh(): Promise<boolean> {
  const s = session.current;
  if (!s) return false;
  try {
    const res = await fetch(`${BASE}/auth/refresh`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: s.refreshToken }),
    });
    if (!res.ok) return false;
    const pair = await res.json();
    saveSession({ ...s, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    return true;
  } catch {
    return false;
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.current) headers.Authorization = `Bearer ${session.current.accessToken}`;
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', '网络不通，请稍后再试');
  }
  if (res.status === 401 && session.current && !retried && !path.startsWith('/auth/') && !path.startsWith('/farmer-auth/')) {
    refreshing ??= refresh().finally(() => { refreshing = null; });
    if (await refreshing) return api<T>(method, path, body, true);
    const farmer = session.current?.kind === 'farmer';
    saveSession(null);
    location.assign(`${import.meta.env.BASE_URL}${farmer ? 'farmer/login' : 'login'}`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const e = (data ?? {}) as { code?: string; message?: string; details?: FieldDetail[] };
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? `请求失败（${res.status}）`, e.details ?? []);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A page the API renders as HTML (e.g. a printable manifest), fetched with the caller's token. */
export async function getHtml(path: string): Promise<string> {
  const res = await fetch(`${BASE}${path}`, { headers: session.current ? { Authorization: `Bearer ${session.current.accessToken}` } : {} });
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `请求失败（${res.status}）`);
  return res.text();
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

export type Page<T> = { items: T[]; nextCursor: string | null };

export function uuid(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
