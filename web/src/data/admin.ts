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

/** Picker lists: one page of 200 is every point/warehouse a county company has (regions are searched: RegionPicker). */
export const pickPoints = () => get<Page<CommercePoint>>('/points?active=true&limit=200').then((p) => p.items);
export const pickWarehouses = () => get<Page<Warehouse>>('/warehouses?limit=200').then((p) => p.items.filter((w) => w.active));
