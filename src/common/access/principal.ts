import { Role } from './role.enum';

/**
 * Who is calling, loaded fresh from the database on every request (so disabling a user or
 * changing assignments takes effect at once). Every scoped query is built from this.
 */
export type Principal = {
  kind: 'staff' | 'farmer';
  /** staff user id, or farmer id for kind 'farmer' */
  id: string;
  role: Role;
  companyId: string;
  /** commerce points an agent is assigned to */
  pointIds: string[];
  /** warehouses warehouse staff are assigned to */
  warehouseIds: string[];
  /** materialized path of a region manager's region, e.g. '/1/2/' */
  regionPath: string | null;
  requestId?: string;
};
