import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';

export type FarmerPrincipalLoader = (farmerId: string) => Promise<Principal | null>;

/**
 * Loads the caller's current role and assignments in one query per request, so a disabled user or
 * a changed assignment takes effect immediately rather than when the token expires. Farmers are
 * loaded by a loader the farmers module registers (the token model is ready for them now).
 */
@Injectable()
export class PrincipalLoader {
  private farmerLoader: FarmerPrincipalLoader | null = null;

  constructor(private readonly dataSource: DataSource) {}

  registerFarmerLoader(loader: FarmerPrincipalLoader): void {
    this.farmerLoader = loader;
  }

  async load(kind: 'staff' | 'farmer', id: string): Promise<Principal | null> {
    if (kind === 'farmer') return this.farmerLoader ? this.farmerLoader(id) : null;
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
