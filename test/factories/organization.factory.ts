import { randomInt } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../../src/auth/password';
import { Role } from '../../src/common/access/role.enum';
import { CommercePointEntity } from '../../src/organization/commerce-point.entity';
import { CompanyEntity } from '../../src/organization/company.entity';
import { RegionLevel } from '../../src/organization/region-level.enum';
import { RegionEntity } from '../../src/organization/region.entity';
import { WarehouseEntity } from '../../src/organization/warehouse.entity';
import { StaffUserEntity } from '../../src/users/staff-user.entity';
import { UserPointAssignmentEntity } from '../../src/users/user-point-assignment.entity';
import { UserWarehouseAssignmentEntity } from '../../src/users/user-warehouse-assignment.entity';

export const TEST_PASSWORD = 'Test@password-123';
let hashed: Promise<string> | undefined;
const passwordHash = () => (hashed ??= hashPassword(TEST_PASSWORD));

let seq = 0;
/** A suffix unique across files and workers, so fixtures never collide on unique keys. */
export const uniq = () => `${process.env.JEST_WORKER_ID ?? 0}${Date.now().toString(36)}${(seq++).toString(36)}${randomInt(1e6).toString(36)}`;

export type TestOrg = {
  company: CompanyEntity;
  regions: { province: RegionEntity; city: RegionEntity; county: RegionEntity; township: RegionEntity; villageA: RegionEntity; villageB: RegionEntity; otherCity: RegionEntity; villageC: RegionEntity };
  pointA: CommercePointEntity;
  pointB: CommercePointEntity;
  /** a point outside the city of the region manager */
  pointC: CommercePointEntity;
  warehouse1: WarehouseEntity;
  warehouse2: WarehouseEntity;
  users: { admin: StaffUserEntity; manager: StaffUserEntity; agentA: StaffUserEntity; agentB: StaffUserEntity; warehouseStaff: StaffUserEntity };
};

async function region(em: EntityManager, parent: RegionEntity | null, level: RegionLevel, name: string): Promise<RegionEntity> {
  const repo = em.getRepository(RegionEntity);
  const code = String(randomInt(1e11, 1e12 - 1)).padStart(12, '1');
  const { identifiers } = await repo.insert({ parentId: parent?.id ?? null, level, code, name, path: '/' });
  const id = String(identifiers[0].id);
  await repo.update({ id }, { path: `${parent?.path ?? '/'}${id}/` });
  return repo.findOneByOrFail({ id });
}

async function insert<T extends { id: string }>(em: EntityManager, entity: new () => T, values: Partial<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { identifiers } = await em.getRepository(entity).insert(values as any);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return em.getRepository(entity).findOneByOrFail({ id: String(identifiers[0].id) } as any);
}

/**
 * A fresh company with a region tree, two points in one city (A, B), one elsewhere (C), two
 * warehouses and one user of each role (agentA at A, agentB at B, warehouse staff at warehouse 1,
 * region manager over the city). Everything has unique codes, so each test file makes its own.
 */
export async function createTestOrg(ds: DataSource): Promise<TestOrg> {
  const u = uniq();
  const hash = await passwordHash();
  return ds.transaction(async (em) => {
    const company = await insert(em, CompanyEntity, { code: `C${u}`.slice(0, 32), name: `测试公司${u}`, active: true });
    const province = await region(em, null, RegionLevel.PROVINCE, '湖南省');
    const city = await region(em, province, RegionLevel.CITY, '益阳市');
    const county = await region(em, city, RegionLevel.COUNTY, '桃江县');
    const township = await region(em, county, RegionLevel.TOWNSHIP, '修山镇');
    const villageA = await region(em, township, RegionLevel.VILLAGE, '花桥港村');
    const villageB = await region(em, township, RegionLevel.VILLAGE, '三官桥村');
    const otherCity = await region(em, province, RegionLevel.CITY, '岳阳市');
    const otherCounty = await region(em, otherCity, RegionLevel.COUNTY, '湘阴县');
    const otherTown = await region(em, otherCounty, RegionLevel.TOWNSHIP, '鹤龙湖镇');
    const villageC = await region(em, otherTown, RegionLevel.VILLAGE, '联星村');
    const point = (r: RegionEntity, code: string) => insert(em, CommercePointEntity, {
      companyId: company.id, regionId: r.id, regionPath: r.path, code, name: `${r.name}商务服务点`,
      serviceCenterName: `${r.name}党群服务中心`, address: `${r.name}村部`, contactPhone: '13800000000', openingHours: '08:00-18:00', active: true,
    });
    const pointA = await point(villageA, 'HQG');
    const pointB = await point(villageB, 'SGQ');
    const pointC = await point(villageC, 'LXC');
    const warehouse = (code: string) => insert(em, WarehouseEntity, { companyId: company.id, regionId: city.id, code, name: `${code}仓`, address: '益阳', active: true });
    const warehouse1 = await warehouse('WH1');
    const warehouse2 = await warehouse('WH2');
    const user = (name: string, role: Role, regionId: string | null = null) => insert(em, StaffUserEntity, {
      companyId: company.id, username: `${name}_${u}`, displayName: name, phone: null, passwordHash: hash, role, regionId, active: true,
    });
    const admin = await user('admin', Role.ADMIN);
    const manager = await user('manager', Role.REGION_MANAGER, city.id);
    const agentA = await user('agentA', Role.AGENT);
    const agentB = await user('agentB', Role.AGENT);
    const warehouseStaff = await user('wh', Role.WAREHOUSE_STAFF);
    await em.getRepository(UserPointAssignmentEntity).insert([{ userId: agentA.id, pointId: pointA.id }, { userId: agentB.id, pointId: pointB.id }]);
    await em.getRepository(UserWarehouseAssignmentEntity).insert({ userId: warehouseStaff.id, warehouseId: warehouse1.id });
    return {
      company, regions: { province, city, county, township, villageA, villageB, otherCity, villageC },
      pointA, pointB, pointC, warehouse1, warehouse2, users: { admin, manager, agentA, agentB, warehouseStaff },
    };
  });
}
