import { reactive } from 'vue';
import { ApiError, post } from '../api/http';

/**
 * Consignments and parcel arrivals recorded while the network is down wait here, in IndexedDB
 * (they survive a reload or a dead battery), each with the client id it was created with. When the
 * network returns consignments go through POST /consignments/bulk and arrivals are posted one by
 * one with their client ids: the server records each client id once, so sending an item twice (a
 * sync cut off half way) never records it twice.
 */
export type QueuedConsignment = {
  clientId: string;
  /** absent on items queued before parcel arrivals could be queued */
  kind?: 'CONSIGNMENT' | 'PARCEL_ARRIVAL';
  /** for a parcel arrival: the point's arrivals route */
  path?: string;
  body: Record<string, unknown> & { clientId: string };
  /** what the agent sees in the list: farmer and goods */
  summary: string;
  queuedAt: string;
  status: 'WAITING' | 'REJECTED';
  error?: { code: string; message: string; details: Array<{ field: string; message: string }> };
};

export type SyncedConsignment = { clientId: string; summary: string; result: string; link?: string; syncedAt: string };

const DB_NAME = 'vc-offline';
const STORE = 'consignments';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'clientId' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** IndexedDB stores structured clones: Vue's reactive proxies cannot be cloned, plain copies can. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  return new Promise<T | undefined>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => { db.close(); resolve(req ? req.result : undefined); };
    t.onerror = () => { db.close(); reject(t.error); };
  });
}

export const offlineQueue = reactive({
  items: [] as QueuedConsignment[],
  synced: [] as SyncedConsignment[],
  syncing: false,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  lastError: '' as string,
});

export async function refreshQueue(): Promise<void> {
  const all = (await tx<QueuedConsignment[]>('readonly', (s) => s.getAll())) ?? [];
  offlineQueue.items = all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export async function enqueue(item: Omit<QueuedConsignment, 'status' | 'queuedAt'>): Promise<void> {
  await tx('readwrite', (s) => s.put(plain({ ...item, status: 'WAITING', queuedAt: new Date().toISOString() })));
  await refreshQueue();
}

export async function discard(clientId: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(clientId));
  await refreshQueue();
}

type BulkResult = {
  created: number; alreadyExisting: number; rejected: number;
  results: Array<{ index: number; clientId: string; result: 'CREATED' | 'ALREADY_EXISTS' | 'REJECTED'; consignment?: { id: string; receiptNo: string }; error?: { code: string; message: string; details: Array<{ field: string; message: string }> } }>;
};

/** Sends every waiting item (rejected ones stay until the agent fixes or discards them). */
export async function syncQueue(): Promise<void> {
  if (offlineQueue.syncing) return;
  await refreshQueue();
  const all = offlineQueue.items.filter((i) => i.status === 'WAITING');
  if (!all.length) return;
  const waiting = all.filter((i) => (i.kind ?? 'CONSIGNMENT') === 'CONSIGNMENT');
  const arrivals = all.filter((i) => i.kind === 'PARCEL_ARRIVAL');
  offlineQueue.syncing = true;
  offlineQueue.lastError = '';
  try {
    for (const item of arrivals) {
      try {
        const parcel = await post<{ pickupCode: string; waybillNo: string }>(item.path!, plain(item.body));
        await tx('readwrite', (s) => s.delete(item.clientId));
        offlineQueue.synced.unshift({ clientId: item.clientId, summary: item.summary, result: `取件码 ${parcel.pickupCode}`, syncedAt: new Date().toISOString() });
      } catch (e) {
        if (!(e instanceof ApiError) || e.isNetwork) throw e;
        await tx('readwrite', (s) => s.put(plain({ ...item, status: 'REJECTED', error: { code: e.code, message: e.message, details: e.details } })));
      }
    }
    for (let start = 0; start < waiting.length; start += 500) {
      const chunk = waiting.slice(start, start + 500);
      const res = await post<BulkResult>('/consignments/bulk', { items: chunk.map((i) => plain(i.body)) });
      for (const r of res.results) {
        const item = chunk[r.index];
        if (r.result === 'REJECTED') {
          await tx('readwrite', (s) => s.put(plain({ ...item, status: 'REJECTED', error: r.error })));
        } else {
          await tx('readwrite', (s) => s.delete(item.clientId));
          offlineQueue.synced.unshift({
            clientId: item.clientId, summary: item.summary, result: `回执号 ${r.consignment?.receiptNo ?? ''}`,
            link: r.consignment ? `/agent/consignments/${r.consignment.id}` : undefined, syncedAt: new Date().toISOString(),
          });
        }
      }
    }
  } catch (e) {
    offlineQueue.lastError = e instanceof ApiError ? e.message : String(e);
  } finally {
    offlineQueue.syncing = false;
    await refreshQueue();
  }
}

let started = false;
/** Watches the network once per page load: back online → sync. */
export function startOfflineSync(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => { offlineQueue.online = true; void syncQueue(); });
  window.addEventListener('offline', () => { offlineQueue.online = false; });
  void refreshQueue().then(() => { if (navigator.onLine) void syncQueue(); });
}
