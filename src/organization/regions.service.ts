import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { isDuplicateKeyError } from '../database/transaction';
import { AuditService } from '../audit/audit.service';
import { CreateRegionDto, ListRegionsQueryDto, RegionDto } from './dto/region.dto';
import { REGION_LEVEL_ORDER, RegionLevel } from './region-level.enum';
import { RegionEntity } from './region.entity';

export const toRegionDto = (r: RegionEntity): RegionDto => ({
  id: r.id, parentId: r.parentId, level: r.level, code: r.code, name: r.name, path: r.path,
});

/** The administrative region tree (national reference data, shared by companies). */
@Injectable()
export class RegionsService {
  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService) {}

  /** A child sits exactly one level below its parent; provinces have no parent. */
  async create(actor: Principal, dto: CreateRegionDto): Promise<RegionDto> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(RegionEntity);
      const parent = dto.parentId ? await repo.findOneBy({ id: dto.parentId }) : null;
      if (dto.parentId && !parent) throw new NotFoundError('上级区划', 'Parent region', 'REGION_NOT_FOUND');
      const expected = parent ? REGION_LEVEL_ORDER[REGION_LEVEL_ORDER.indexOf(parent.level) + 1] : RegionLevel.PROVINCE;
      if (dto.level !== expected) {
        throw new RuleViolationError('REGION_LEVEL_MISMATCH', `区划层级应为 ${expected ?? '无'}`, `level must be ${expected ?? 'none'} under this parent`,
          [{ field: 'level', message: `应为 ${expected ?? '无'}`, messageEn: `must be ${expected ?? 'none'}` }]);
      }
      let id: string;
      try {
        const result = await repo.insert({ parentId: parent?.id ?? null, level: dto.level, code: dto.code, name: dto.name, path: '/' });
        id = String(result.identifiers[0].id);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ConflictError('REGION_CODE_TAKEN', '区划代码已存在', 'Region code already exists', [{ field: 'code', message: '已存在', messageEn: 'already exists' }]);
        throw err;
      }
      const path = `${parent?.path ?? '/'}${id}/`;
      await repo.update({ id }, { path });
      const created = await repo.findOneByOrFail({ id });
      await this.audit.record(em, actor, { entityType: 'region', entityId: id, action: 'create', after: toRegionDto(created) });
      return toRegionDto(created);
    });
  }

  list(query: ListRegionsQueryDto): Promise<Page<RegionDto>> {
    const qb = this.dataSource.getRepository(RegionEntity).createQueryBuilder('r');
    if (query.parentId) qb.andWhere('r.parent_id = :parentId', { parentId: query.parentId });
    if (query.level) qb.andWhere('r.level = :level', { level: query.level });
    if (query.q) qb.andWhere('r.name LIKE :q', { q: `%${query.q}%` });
    return paginate(qb, 'r.id', query, toRegionDto);
  }

  async get(id: string): Promise<RegionDto> {
    const region = await this.dataSource.getRepository(RegionEntity).findOneBy({ id });
    if (!region) throw new NotFoundError('区划', 'Region', 'REGION_NOT_FOUND');
    return toRegionDto(region);
  }
}
