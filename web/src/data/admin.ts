import { get, Page } from '../api/http';

export const ROLE_NAME: Record<string, string> = { ADMIN: '管理员', REGION_MANAGER: '区域经理', AGENT: '代办员', WAREHOUSE_STAFF: '仓库员工' };
export const STAFF_ROLES = ['AGENT', 'WAREHOUSE_STAFF', 'REGION_MANAGER', 'ADMIN'] as const;

export type StaffUser = {
  id: string; username: string; displayName: string; phone: string | null; role: string; regionId: string | null;
  pointIds: string[]; warehouseIds: string[]; active: boolean; createdAt: string;
};
export type CommercePoint = {
  id: string; regionId: string; code: string; name: string; serviceCenterName: string; address: string; contactPhone: string;
  openingHours: string; active: boolean;
};
export type Warehouse = { id: string; code: string; name: string; active: boolean };
export type Region = { id: string; parentId: string | null; level: string; code: string; name: string };
/** One tick box of a point or warehouse picker. */
export type Choice = { id: string; code: string; name: string };

/**
 * A picker's choices plus those an account already holds that the list lacks (a point or warehouse
 * deactivated since), so editing the account shows them and they can be unticked.
 */
export function withHeld(list: Choice[], held: string[] = []): Choice[] {
  const known = new Set(list.map((c) => c.id));
  return [...list, ...held.filter((id) => !known.has(id)).map((id) => ({ id, code: id, name: `${id}（已停用）` }))];
}

/** Picker lists: one page of 200 is every point/warehouse a county company has (regions are searched: RegionPicker). */
export const pickPoints = () => get<Page<CommercePoint>>('/points?active=true&limit=200').then((p) => p.items);
export const pickWarehouses = () => get<Page<Warehouse>>('/warehouses?limit=200').then((p) => p.items.filter((w) => w.active));
