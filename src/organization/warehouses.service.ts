import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { assertCanActAtWarehouse, assertCanSeeWarehouse, scopeByWarehouse } from '../common/access/scope';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { isDuplicateKeyError } from '../database/transaction';
import { CreateWarehouseDto, ListWarehousesQueryDto, UpdateWarehouseDto, WarehouseDto } from './dto/warehouse.dto';
import { RegionEntity } from './region.entity';
import { WarehouseEntity } from './warehouse.entity';

export const toWarehouseDto = (w: WarehouseEntity): WarehouseDto => ({
  id: w.id, companyId: w.companyId, regionId: w.regionId, code: w.code, name: w.name,
  address: w.address, active: w.active, createdAt: w.createdAt, updatedAt: w.updatedAt,
});

const codeTaken = () => new ConflictError('WAREHOUSE_CODE_TAKEN', '仓库代码已存在', 'Warehouse code already exists',
  [{ field: 'code', message: '已存在', messageEn: 'already exists' }]);

/** Warehouses (仓储配送中心). Other modules resolve and scope-check warehouses through this service. */
@Injectable()
export class WarehousesService {
  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService) {}

  async create(actor: Principal, dto: CreateWarehouseDto): Promise<WarehouseDto> {
    return this.dataSource.transaction(async (em) => {
      if (dto.regionId) await this.requireRegion(em, dto.regionId);
      try {
        const result = await em.getRepository(WarehouseEntity).insert({ ...dto, regionId: dto.regionId ?? null, companyId: actor.companyId, active: true });
        const created = await em.getRepository(WarehouseEntity).findOneByOrFail({ id: String(result.identifiers[0].id) });
        await this.audit.record(em, actor, { entityType: 'warehouse', entityId: created.id, action: 'create', after: toWarehouseDto(created) });
        return toWarehouseDto(created);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw codeTaken();
        throw err;
      }
    });
  }

  async update(actor: Principal, id: string, dto: UpdateWarehouseDto): Promise<WarehouseDto> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(WarehouseEntity);
      const warehouse = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      assertCanActAtWarehouse(actor, warehouse);
      if (dto.regionId) await this.requireRegion(em, dto.regionId);
      const before = toWarehouseDto(warehouse as WarehouseEntity);
      try {
        await repo.update({ id }, { ...dto });
      } catch (err) {
        if (isDuplicateKeyError(err)) throw codeTaken();
        throw err;
      }
      const after = toWarehouseDto(await repo.findOneByOrFail({ id }));
      await this.audit.record(em, actor, { entityType: 'warehouse', entityId: id, action: 'update', before, after });
      return after;
    });
  }

  list(actor: Principal, query: ListWarehousesQueryDto): Promise<Page<WarehouseDto>> {
    const qb = this.dataSource.getRepository(WarehouseEntity).createQueryBuilder('w');
    scopeByWarehouse(qb, 'w.id', actor);
    return paginate(qb, 'w.id', query, toWarehouseDto);
  }

  async get(actor: Principal, id: string): Promise<WarehouseDto> {
    const warehouse = await this.dataSource.getRepository(WarehouseEntity).findOneBy({ id });
    assertCanSeeWarehouse(actor, warehouse);
    return toWarehouseDto(warehouse as WarehouseEntity);
  }

  /** For other modules: a warehouse the caller may act at (its staff, or an admin), or 404. */
  async requireWarehouseForAction(actor: Principal, id: string, em?: EntityManager): Promise<WarehouseEntity> {
    const warehouse = await (em ?? this.dataSource.manager).getRepository(WarehouseEntity).findOneBy({ id });
    assertCanActAtWarehouse(actor, warehouse);
    return warehouse as WarehouseEntity;
  }

  /** For other modules: a warehouse of the caller's company (e.g. a batch destination), or 404. */
  async requireCompanyWarehouse(companyId: string, id: string, em?: EntityManager): Promise<WarehouseEntity> {
    const warehouse = await (em ?? this.dataSource.manager).getRepository(WarehouseEntity).findOneBy({ id, companyId });
    if (!warehouse) throw new NotFoundError('仓库', 'Warehouse', 'WAREHOUSE_NOT_FOUND');
    return warehouse;
  }

  private async requireRegion(em: EntityManager, regionId: string): Promise<void> {
    if (!(await em.getRepository(RegionEntity).existsBy({ id: regionId }))) {
      throw new NotFoundError('区划', 'Region', 'REGION_NOT_FOUND');
    }
  }
}
