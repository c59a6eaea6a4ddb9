import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { AuthConfig } from '../config';

export type FarmerPrincipalLoader = (farmerId: string) => Promise<Principal | null>;

/** Bounds the cache's memory; past it the oldest entries go first (Map keeps insertion order). */
const MAX_CACHED_PRINCIPALS = 10_000;

type Cached = { principal: Principal; expiresAtMs: number };

/**
 * Loads the caller's current role and assignments (one query), so a disabled user or a changed
 * assignment takes effect without waiting for the token to expire.
 *
 * Staff principals are kept for `AUTH_PRINCIPAL_CACHE_MS` (default 2 s; 0 turns the cache off):
 * the lookup was one of the twelve round trips of an intake and one in every request. Revocation
 * stays immediate in this process: UsersService drops the entry when it changes a user (disable,
 * role, assignments, password) and logout drops it too. Another API process sees such a change
 * within the cache time at the latest. A per-key generation keeps a load that raced a change from
 * putting the old state back. Farmers are not cached (their loader is the farmers module's).
 */
@Injectable()
export class PrincipalLoader {
  private farmerLoader: FarmerPrincipalLoader | null = null;
  private readonly cache = new Map<string, Cached>();
  private readonly generations = new Map<string, number>();
  private readonly cacheMs: number;

  constructor(private readonly dataSource: DataSource, config: ConfigService) {
    this.cacheMs = config.getOrThrow<AuthConfig>('auth').principalCacheMs;
  }

  registerFarmerLoader(loader: FarmerPrincipalLoader): void {
    this.farmerLoader = loader;
  }

  async load(kind: 'staff' | 'farmer', id: string): Promise<Principal | null> {
    if (kind === 'farmer') return this.farmerLoader ? this.farmerLoader(id) : null;
    if (this.cacheMs <= 0) return this.loadStaff(id);
    const key = `staff:${id}`;
    const hit = this.cache.get(key);
    if (hit && hit.expiresAtMs > Date.now()) return copyOf(hit.principal);
    const generation = this.generations.get(key) ?? 0;
    const principal = await this.loadStaff(id);
    // Not cached when a change came in while loading, nor when the user is gone or disabled.
    if (principal && (this.generations.get(key) ?? 0) === generation) {
      this.cache.delete(key);
      this.cache.set(key, { principal: copyOf(principal), expiresAtMs: Date.now() + this.cacheMs });
      if (this.cache.size > MAX_CACHED_PRINCIPALS) this.cache.delete(this.cache.keys().next().value as string);
    }
    return principal;
  }

  /** The current state from the database, bypassing the cache (token refresh). */
  async loadFresh(kind: 'staff' | 'farmer', id: string): Promise<Principal | null> {
    if (kind === 'farmer') return this.farmerLoader ? this.farmerLoader(id) : null;
    return this.loadStaff(id);
  }

  /** Call after a change to the person's account or assignments has committed (and at logout). */
  invalidate(kind: 'staff' | 'farmer', id: string): void {
    const key = `${kind}:${id}`;
    this.cache.delete(key);
    if (this.cacheMs > 0) {
      this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
      if (this.generations.size > MAX_CACHED_PRINCIPALS) this.generations.delete(this.generations.keys().next().value as string);
    }
  }

  private async loadStaff(id: string): Promise<Principal | null> {
    const rows: Array<{
      id: string; role: Role; company_id: string; active: number;
      region_path: string | null; point_ids: string | null; warehouse_ids: string | null;
    }> = await this.dataSource.query(
      `SELECT u.id, u.role, u.company_id, u.active, r.path AS region_path,
              (SELECT GROUP_CONCAT(a.point_id) FROM user_point_assignment a WHERE a.user_id = u.id) AS point_ids,
              (SELECT GROUP_CONCAT(w.warehouse_id) FROM user_warehouse_assignment w WHERE w.user_id = u.id) AS warehouse_ids
         FROM staff_user u LEFT JOIN region r ON r.id = u.region_id
        WHERE u.id = ?`,
      [id],
    );
    const row = rows[0];
    if (!row || !Number(row.active)) return null;
    return {
      kind: 'staff',
      id: String(row.id),
      role: row.role,
      companyId: String(row.company_id),
      pointIds: row.point_ids ? String(row.point_ids).split(',') : [],
      warehouseIds: row.warehouse_ids ? String(row.warehouse_ids).split(',') : [],
      regionPath: row.region_path,
    };
  }
}

/** Each request gets its own object: the guard sets requestId on it. */
function copyOf(p: Principal): Principal {
  return { ...p, pointIds: [...p.pointIds], warehouseIds: [...p.warehouseIds], requestId: undefined };
}
