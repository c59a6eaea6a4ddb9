import { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../auth/password';
import { ProductPriceEntity } from '../catalog/product-price.entity';
import { ProductEntity } from '../catalog/product.entity';
import { Role } from '../common/access/role.enum';
import { FarmerEntity, PayoutMethod } from '../farmers/farmer.entity';
import { CommercePointEntity } from '../organization/commerce-point.entity';
import { CompanyEntity } from '../organization/company.entity';
import { RegionLevel } from '../organization/region-level.enum';
import { RegionEntity } from '../organization/region.entity';
import { WarehouseEntity } from '../organization/warehouse.entity';
import { StaffUserEntity } from '../users/staff-user.entity';
import { UserPointAssignmentEntity } from '../users/user-point-assignment.entity';
import { UserWarehouseAssignmentEntity } from '../users/user-warehouse-assignment.entity';
import { DEMO_PRICES_FROM, DEMO_PRODUCTS } from './demo-catalog';

export const DEMO_PASSWORD = 'Demo@2026village';

type RegionSeed = { code: string; name: string; level: RegionLevel; children?: RegionSeed[]; point?: PointSeed };
type PointSeed = { code: string; name: string; address: string; phone: string };

const v = (code: string, name: string, point: PointSeed): RegionSeed => ({ code, name, level: RegionLevel.VILLAGE, point });

/** The places named in the reports (DOMAIN.md). Township and village codes follow the 12-digit pattern. */
export const DEMO_REGIONS: RegionSeed = {
  code: '430000000000', name: '湖南省', level: RegionLevel.PROVINCE, children: [
    { code: '430900000000', name: '益阳市', level: RegionLevel.CITY, children: [
      { code: '430922000000', name: '桃江县', level: RegionLevel.COUNTY, children: [
        { code: '430922104000', name: '修山镇', level: RegionLevel.TOWNSHIP, children: [
          v('430922104201', '花桥港村', { code: 'HQG', name: '花桥港村商务服务点', address: '桃江县修山镇花桥港村党群服务中心', phone: '13807371001' }),
          v('430922104202', '三官桥村', { code: 'SGQ', name: '三官桥村商务服务点', address: '桃江县修山镇三官桥村党群服务中心', phone: '13807371002' }),
        ] },
        { code: '430922208000', name: '浮邱山乡', level: RegionLevel.TOWNSHIP, children: [
          v('430922208201', '枳木村', { code: 'ZMC', name: '枳木村商务服务点', address: '桃江县浮邱山乡枳木村党群服务中心', phone: '13807371003' }),
        ] },
        { code: '430922106000', name: '大栗港镇', level: RegionLevel.TOWNSHIP,
          point: { code: 'DLG', name: '大栗港镇商务服务点（米儿农场）', address: '桃江县大栗港镇米儿农场', phone: '13807371004' } },
      ] },
      { code: '430903000000', name: '赫山区', level: RegionLevel.COUNTY, children: [
        { code: '430903103000', name: '沧水铺镇', level: RegionLevel.TOWNSHIP, children: [
          v('430903103201', '金山村', { code: 'JSC', name: '金山村商务服务点', address: '赫山区沧水铺镇金山村党群服务中心', phone: '13807371005' }),
        ] },
      ] },
      { code: '430923000000', name: '安化县', level: RegionLevel.COUNTY, children: [
        { code: '430923210000', name: '龙塘乡', level: RegionLevel.TOWNSHIP, children: [
          v('430923210201', '红星村', { code: 'HXC', name: '红星村商务服务点', address: '安化县龙塘乡红星村党群服务中心', phone: '13807371006' }),
        ] },
      ] },
    ] },
    { code: '430700000000', name: '常德市', level: RegionLevel.CITY, children: [
      { code: '430781000000', name: '津市市', level: RegionLevel.COUNTY, children: [
        { code: '430781002000', name: '金鱼岭街道', level: RegionLevel.TOWNSHIP, children: [
          v('430781002201', '大关山村', { code: 'DGS', name: '大关山村商务服务点', address: '津市市金鱼岭街道大关山村党群服务中心', phone: '13807371007' }),
        ] },
      ] },
    ] },
    { code: '430600000000', name: '岳阳市', level: RegionLevel.CITY, children: [
      { code: '430624000000', name: '湘阴县', level: RegionLevel.COUNTY, children: [
        { code: '430624110000', name: '鹤龙湖镇', level: RegionLevel.TOWNSHIP, children: [
          v('430624110201', '联星村', { code: 'LXC', name: '联星村商务服务点', address: '湘阴县鹤龙湖镇联星村党群服务中心', phone: '13807371008' }),
        ] },
      ] },
    ] },
  ],
};

export type DemoLogin = { username: string; role: Role; scope: string };

/**
 * Loads the demo organization idempotently: every row is looked up by its natural key (codes,
 * usernames) first, so running it twice adds nothing.
 */
export async function loadDemoData(dataSource: DataSource): Promise<DemoLogin[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return dataSource.transaction(async (em) => {
    const company = await upsertCompany(em);
    const points: Array<{ point: CommercePointEntity; regionName: string }> = [];
    const yiyang = await seedRegion(em, DEMO_REGIONS, null, company.id, points);
    const warehouse = await findOrInsert(em, WarehouseEntity, { companyId: company.id, code: 'YYWH1' }, {
      name: '益阳仓储配送中心', address: '益阳市赫山区龙岭工业园仓储配送中心', regionId: yiyang.cityId, active: true,
    });
    const logins: DemoLogin[] = [];
    const user = async (username: string, displayName: string, role: Role, scope: string, regionId: string | null = null) => {
      const u = await findOrInsert(em, StaffUserEntity, { username }, { companyId: company.id, displayName, phone: null, passwordHash, role, regionId, active: true });
      logins.push({ username, role, scope });
      return u;
    };
    const admin = await user('admin', '系统管理员', Role.ADMIN, company.name);
    await user('manager_yiyang', '益阳市区域经理', Role.REGION_MANAGER, '益阳市', yiyang.cityId);
    const wh = await user('wh_yiyang', '益阳仓库管理员', Role.WAREHOUSE_STAFF, warehouse.name);
    await em.getRepository(UserWarehouseAssignmentEntity).upsert({ userId: wh.id, warehouseId: warehouse.id }, ['userId', 'warehouseId']);
    for (const { point, regionName } of points) {
      const agent = await user(`agent_${point.code.toLowerCase()}`, `${regionName}代办员`, Role.AGENT, point.name);
      await em.getRepository(UserPointAssignmentEntity).upsert({ userId: agent.id, pointId: point.id }, ['userId', 'pointId']);
    }
    await seedCatalog(em, company.id, admin.id);
    await seedFarmers(em, company.id, admin.id, points.map((p) => p.point));
    return logins;
  });
}

async function upsertCompany(em: EntityManager): Promise<CompanyEntity> {
  return findOrInsert(em, CompanyEntity, { code: 'YCK' }, { name: '益阳市怡创客农业有限公司', active: true });
}

async function seedRegion(
  em: EntityManager, seed: RegionSeed, parent: RegionEntity | null, companyId: string,
  points: Array<{ point: CommercePointEntity; regionName: string }>,
): Promise<{ cityId: string }> {
  const repo = em.getRepository(RegionEntity);
  let region = await repo.findOneBy({ code: seed.code });
  if (!region) {
    const { identifiers } = await repo.insert({ parentId: parent?.id ?? null, level: seed.level, code: seed.code, name: seed.name, path: '/' });
    const id = String(identifiers[0].id);
    await repo.update({ id }, { path: `${parent?.path ?? '/'}${id}/` });
    region = await repo.findOneByOrFail({ id });
  }
  if (seed.point) {
    const point = await findOrInsert(em, CommercePointEntity, { companyId, code: seed.point.code }, {
      regionId: region.id, regionPath: region.path, name: seed.point.name,
      serviceCenterName: `${seed.name}党群服务中心`, address: seed.point.address, contactPhone: seed.point.phone,
      openingHours: '每天 08:00-18:00', active: true,
    });
    points.push({ point, regionName: seed.name });
  }
  let cityId = seed.name === '益阳市' ? region.id : '';
  for (const child of seed.children ?? []) {
    const found = await seedRegion(em, child, region, companyId, points);
    cityId = cityId || found.cityId;
  }
  return { cityId };
}

async function findOrInsert<T extends { id: string }>(
  em: EntityManager, entity: new () => T, key: Partial<T>, rest: Partial<T>,
): Promise<T> {
  const repo = em.getRepository(entity);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const existing = await repo.findOneBy(key as any);
  if (existing) return existing;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { identifiers } = await repo.insert({ ...key, ...rest } as any);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return repo.findOneByOrFail({ id: String(identifiers[0].id) } as any);
}

/** The demo catalog (土鸡蛋, 坛子菜, 豆腐乳 …) with farmer prices from 2026-01-01; keyed by product code. */
async function seedCatalog(em: EntityManager, companyId: string, adminId: string): Promise<void> {
  for (const { prices, ...product } of DEMO_PRODUCTS) {
    const p = await findOrInsert(em, ProductEntity, { companyId, code: product.code }, { ...product, active: true });
    for (const price of prices) {
      const unitSizeBase = product.units.find((u) => u.name === price.unitName)?.baseUnitsPerDisplayUnit ?? 1;
      await findOrInsert(em, ProductPriceEntity, { productId: p.id, gradeCode: price.gradeCode, effectiveFrom: new Date(DEMO_PRICES_FROM) }, {
        unitName: price.unitName, unitSizeBase, priceFen: price.priceFen, effectiveTo: null, createdBy: adminId,
      });
    }
  }
}

/** Demo farmers, keyed by phone: 吴金兰 of 花桥港村 (15 hens, 坛子菜) and neighbours. No ID or account numbers. */
async function seedFarmers(em: EntityManager, companyId: string, adminId: string, points: CommercePointEntity[]): Promise<void> {
  const at = (code: string) => points.find((p) => p.code === code);
  const farmers: Array<{ name: string; phone: string; point: string; payout: PayoutMethod; hardship?: boolean }> = [
    { name: '吴金兰', phone: '13907371501', point: 'HQG', payout: PayoutMethod.WECHAT_PAY },
    { name: '李桂香', phone: '13907371502', point: 'HQG', payout: PayoutMethod.CASH, hardship: true },
    { name: '刘建国', phone: '13907371503', point: 'SGQ', payout: PayoutMethod.CASH },
    { name: '曾凤英', phone: '13907371504', point: 'ZMC', payout: PayoutMethod.WECHAT_PAY },
  ];
  for (const f of farmers) {
    const point = at(f.point);
    if (!point) continue;
    await findOrInsert(em, FarmerEntity, { companyId, phone: f.phone }, {
      name: f.name, villageRegionId: point.regionId, usualPointId: point.id, idNumberCipher: null, idNumberHash: null, idNumberLast4: null,
      payoutMethod: f.payout, payoutBankName: null, payoutAccountCipher: null, payoutAccountLast4: null,
      smsConsent: true, hardship: f.hardship ?? false, active: true, createdBy: adminId,
    });
  }
}
