import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../outbox/outbox.service';
import { Principal } from '../common/access/principal';
import { assertCanActAtPoint, assertCanSeePoint, scopeByPoint, ScopedPoint } from '../common/access/scope';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { isDuplicateKeyError } from '../database/transaction';
import { CommercePointEntity } from './commerce-point.entity';
import {
  CommercePointDto, CreateCommercePointDto, ListCommercePointsQueryDto, UpdateCommercePointDto,
} from './dto/commerce-point.dto';
import { RegionLevel } from './region-level.enum';
import { RegionEntity } from './region.entity';

export const toCommercePointDto = (p: CommercePointEntity): CommercePointDto => ({
  id: p.id, companyId: p.companyId, regionId: p.regionId, code: p.code, name: p.name,
  serviceCenterName: p.serviceCenterName, address: p.address, contactPhone: p.contactPhone,
  openingHours: p.openingHours, active: p.active, createdAt: p.createdAt, updatedAt: p.updatedAt,
});

export const POINT_EVENTS = { CREATED: 'commerce_point.created' } as const;

const POINT_LEVELS = [RegionLevel.VILLAGE, RegionLevel.TOWNSHIP];
const codeTaken = () => new ConflictError('POINT_CODE_TAKEN', '服务点代码已存在', 'Commerce point code already exists',
  [{ field: 'code', message: '已存在', messageEn: 'already exists' }]);

/** Commerce points (商务服务点). Other modules resolve and scope-check points through this service. */
@Injectable()
export class CommercePointsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async create(actor: Principal, dto: CreateCommercePointDto): Promise<CommercePointDto> {
    return this.dataSource.transaction(async (em) => {
      const region = await this.requirePointRegion(em, dto.regionId);
      try {
        const result = await em.getRepository(CommercePointEntity).insert({
          ...dto, companyId: actor.companyId, regionPath: region.path, active: true,
        });
        const point = await em.getRepository(CommercePointEntity).findOneByOrFail({ id: String(result.identifiers[0].id) });
        await this.audit.record(em, actor, { entityType: 'commerce_point', entityId: point.id, action: 'create', after: toCommercePointDto(point) });
        await this.outbox.publish(em, {
          eventType: POINT_EVENTS.CREATED, aggregateType: 'commerce_point', aggregateId: point.id,
          payload: { pointId: point.id, companyId: point.companyId, code: point.code, regionId: point.regionId },
        });
        return toCommercePointDto(point);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw codeTaken();
        throw err;
      }
    });
  }

  async update(actor: Principal, id: string, dto: UpdateCommercePointDto): Promise<CommercePointDto> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(CommercePointEntity);
      const point = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      assertCanActAtPoint(actor, point);
      const before = toCommercePointDto(point as CommercePointEntity);
      const changes: Partial<CommercePointEntity> = { ...dto };
      if (dto.regionId && dto.regionId !== point.regionId) {
        changes.regionPath = (await this.requirePointRegion(em, dto.regionId)).path;
      }
      try {
        await repo.update({ id }, changes);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw codeTaken();
        throw err;
      }
      const after = toCommercePointDto(await repo.findOneByOrFail({ id }));
      await this.audit.record(em, actor, { entityType: 'commerce_point', entityId: id, action: 'update', before, after });
      return after;
    });
  }

  list(actor: Principal, query: ListCommercePointsQueryDto): Promise<Page<CommercePointDto>> {
    const qb = this.dataSource.getRepository(CommercePointEntity).createQueryBuilder('p');
    scopeByPoint(qb, 'p.id', actor);
    if (query.regionId) {
      qb.andWhere('p.region_path LIKE CONCAT((SELECT r.path FROM region r WHERE r.id = :regionId), \'%\')', { regionId: query.regionId });
    }
    if (query.active !== undefined) qb.andWhere('p.active = :active', { active: query.active });
    if (query.q) qb.andWhere('(p.name LIKE :q OR p.code LIKE :q)', { q: `%${query.q}%` });
    return paginate(qb, 'p.id', query, toCommercePointDto);
  }

  async get(actor: Principal, id: string): Promise<CommercePointDto> {
    const point = await this.dataSource.getRepository(CommercePointEntity).findOneBy({ id });
    assertCanSeePoint(actor, point);
    return toCommercePointDto(point as CommercePointEntity);
  }

  /**
   * For other modules: the point the caller may act at (agents: their points; admins: their
   * company's), active, or 404. Locks nothing; pass `em` to read inside a transaction.
   */
  async requireActivePointForAction(actor: Principal, pointId: string, em?: EntityManager): Promise<CommercePointEntity> {
    const point = await (em ?? this.dataSource.manager).getRepository(CommercePointEntity).findOneBy({ id: pointId });
    assertCanActAtPoint(actor, point);
    const found = point as CommercePointEntity;
    if (!found.active) throw new RuleViolationError('POINT_INACTIVE', '服务点已停用', 'Commerce point is inactive');
    return found;
  }

  /**
   * The same check as requireActivePointForAction, reading only what it needs in one plain query:
   * for hot paths (every consignment) that use no more of the point than its code.
   */
  async requireActivePointRefForAction(actor: Principal, pointId: string): Promise<ScopedPoint & { code: string }> {
    const rows: Array<{ id: string; company_id: string; region_path: string; code: string; active: number }> = await this.dataSource.query(
      'SELECT id, company_id, region_path, code, active FROM commerce_point WHERE id = ?', [pointId]);
    const r = rows[0];
    const point = r ? { id: String(r.id), companyId: String(r.company_id), regionPath: r.region_path, code: r.code } : null;
    assertCanActAtPoint(actor, point);
    if (!Number(r.active)) throw new RuleViolationError('POINT_INACTIVE', '服务点已停用', 'Commerce point is inactive');
    return point;
  }

  /** For notifications and the farmer app (no caller scope): what an SMS says about a point. */
  async findNotice(pointId: string): Promise<{ id: string; companyId: string; name: string; openingHours: string; contactPhone: string } | null> {
    const p = await this.dataSource.getRepository(CommercePointEntity).findOne({
      select: { id: true, companyId: true, name: true, openingHours: true, contactPhone: true }, where: { id: pointId },
    });
    return p ? { id: p.id, companyId: p.companyId, name: p.name, openingHours: p.openingHours, contactPhone: p.contactPhone } : null;
  }

  /** For other modules: the point the caller may see, or 404. */
  async requireVisiblePoint(actor: Principal, pointId: string, em?: EntityManager): Promise<CommercePointEntity> {
    const point = await (em ?? this.dataSource.manager).getRepository(CommercePointEntity).findOneBy({ id: pointId });
    assertCanSeePoint(actor, point);
    return point as CommercePointEntity;
  }

  private async requirePointRegion(em: EntityManager, regionId: string): Promise<RegionEntity> {
    const region = await em.getRepository(RegionEntity).findOneBy({ id: regionId });
    if (!region) throw new NotFoundError('区划', 'Region', 'REGION_NOT_FOUND');
    if (!POINT_LEVELS.includes(region.level)) {
      throw new RuleViolationError('POINT_REGION_LEVEL', '服务点须设在村或乡镇', 'A commerce point must be in a village or township',
        [{ field: 'regionId', message: '须为村或乡镇', messageEn: 'must be a village or township' }]);
    }
    return region;
  }
}
