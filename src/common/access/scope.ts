import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { NotFoundError } from '../errors/domain-error';
import { Principal } from './principal';
import { Role } from './role.enum';

/**
 * The one scoping mechanism. Every list adds a scope condition to its query, and every single-record
 * action checks the record's point or warehouse; anything outside scope answers 404 (not 403) so ids
 * cannot be probed.
 */
let paramSeq = 0;
const p = (name: string) => `${name}_${++paramSeq % 1_000_000}`;

/** Restricts a query to records whose commerce point (column `pointColumn`) the caller may see. */
export function scopeByPoint<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  pointColumn: string,
  principal: Principal,
): SelectQueryBuilder<T> {
  const company = p('scopeCompany');
  switch (principal.role) {
    case Role.ADMIN:
      return qb.andWhere(
        `${pointColumn} IN (SELECT sp.id FROM commerce_point sp WHERE sp.company_id = :${company})`,
        { [company]: principal.companyId },
      );
    case Role.REGION_MANAGER: {
      const path = p('scopePath');
      return qb.andWhere(
        `${pointColumn} IN (SELECT sp.id FROM commerce_point sp WHERE sp.company_id = :${company} AND sp.region_path LIKE :${path})`,
        { [company]: principal.companyId, [path]: `${principal.regionPath ?? '/none/'}%` },
      );
    }
    case Role.AGENT: {
      if (principal.pointIds.length === 0) return qb.andWhere('1 = 0');
      const ids = p('scopePoints');
      return qb.andWhere(`${pointColumn} IN (:...${ids})`, { [ids]: principal.pointIds });
    }
    default:
      return qb.andWhere('1 = 0');
  }
}

/** Restricts a query to records whose warehouse (column `warehouseColumn`) the caller may see. */
export function scopeByWarehouse<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  warehouseColumn: string,
  principal: Principal,
): SelectQueryBuilder<T> {
  const company = p('scopeCompany');
  switch (principal.role) {
    case Role.ADMIN:
    case Role.REGION_MANAGER:
      return qb.andWhere(
        `${warehouseColumn} IN (SELECT w.id FROM warehouse w WHERE w.company_id = :${company})`,
        { [company]: principal.companyId },
      );
    case Role.WAREHOUSE_STAFF: {
      if (principal.warehouseIds.length === 0) return qb.andWhere('1 = 0');
      const ids = p('scopeWarehouses');
      return qb.andWhere(`${warehouseColumn} IN (:...${ids})`, { [ids]: principal.warehouseIds });
    }
    default:
      return qb.andWhere('1 = 0');
  }
}

/** A commerce point as far as scope checks need it. */
export type ScopedPoint = { id: string; companyId: string; regionPath: string };

/** May the caller see this point? Admins: their company; managers: their region; agents: assigned points. */
export function canSeePoint(principal: Principal, point: ScopedPoint): boolean {
  if (point.companyId !== principal.companyId) return false;
  switch (principal.role) {
    case Role.ADMIN:
      return true;
    case Role.REGION_MANAGER:
      return !!principal.regionPath && point.regionPath.startsWith(principal.regionPath);
    case Role.AGENT:
      return principal.pointIds.includes(point.id);
    default:
      return false;
  }
}

/** May the caller act (write) at this point? Only admins of the company and the point's agents. */
export function canActAtPoint(principal: Principal, point: ScopedPoint): boolean {
  if (point.companyId !== principal.companyId) return false;
  return principal.role === Role.ADMIN || (principal.role === Role.AGENT && principal.pointIds.includes(point.id));
}

export function assertCanSeePoint(principal: Principal, point: ScopedPoint | null): asserts point is ScopedPoint {
  if (!point || !canSeePoint(principal, point)) throw new NotFoundError('服务点', 'Commerce point', 'POINT_NOT_FOUND');
}

export function assertCanActAtPoint(principal: Principal, point: ScopedPoint | null): asserts point is ScopedPoint {
  if (!point || !canActAtPoint(principal, point)) throw new NotFoundError('服务点', 'Commerce point', 'POINT_NOT_FOUND');
}

export type ScopedWarehouse = { id: string; companyId: string };

export function canSeeWarehouse(principal: Principal, warehouse: ScopedWarehouse): boolean {
  if (warehouse.companyId !== principal.companyId) return false;
  if (principal.role === Role.ADMIN || principal.role === Role.REGION_MANAGER) return true;
  return principal.role === Role.WAREHOUSE_STAFF && principal.warehouseIds.includes(warehouse.id);
}

export function assertCanActAtWarehouse(
  principal: Principal,
  warehouse: ScopedWarehouse | null,
): asserts warehouse is ScopedWarehouse {
  const ok = !!warehouse && warehouse.companyId === principal.companyId
    && (principal.role === Role.ADMIN
      || (principal.role === Role.WAREHOUSE_STAFF && principal.warehouseIds.includes(warehouse.id)));
  if (!ok) throw new NotFoundError('仓库', 'Warehouse', 'WAREHOUSE_NOT_FOUND');
}

export function assertCanSeeWarehouse(
  principal: Principal,
  warehouse: ScopedWarehouse | null,
): asserts warehouse is ScopedWarehouse {
  if (!warehouse || !canSeeWarehouse(principal, warehouse)) {
    throw new NotFoundError('仓库', 'Warehouse', 'WAREHOUSE_NOT_FOUND');
  }
}
