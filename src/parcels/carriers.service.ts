import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { ConflictError, InvalidFieldError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { isDuplicateKeyError } from '../database/transaction';
import { CommercePointsService } from '../organization/commerce-points.service';
import { CreateCarrierDto } from './dto/create-carrier.dto';
import { CarrierDto } from './dto/responses.dto';
import { CarrierEntity } from './entities/carrier.entity';
import { PointCarrierEntity } from './entities/point-carrier.entity';

const toCarrierDto = (c: CarrierEntity, activeAtPoint?: boolean): CarrierDto => ({
  id: c.id, code: c.code, name: c.name, waybillHint: c.waybillHint, active: c.active,
  ...(activeAtPoint === undefined ? {} : { activeAtPoint }),
});

export const carrierNotAvailable = (code: string) => new RuleViolationError(
  'CARRIER_NOT_AVAILABLE', `承运商 ${code} 不存在或在此服务点未启用`, `Carrier ${code} is unknown or not active at this point`,
  [{ field: 'carrierCode', message: '未知或未启用', messageEn: 'unknown or inactive at this point' }],
);

/** Carriers (reference data) and which of them serve each point. */
@Injectable()
export class CarriersService {
  private codes = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    private readonly audit: AuditService,
  ) {}

  /** Every carrier; with a point, also whether each one is active there. */
  async list(actor: Principal, pointId?: string): Promise<CarrierDto[]> {
    const carriers = await this.dataSource.getRepository(CarrierEntity).find({ order: { id: 'ASC' } });
    if (!pointId) return carriers.map((c) => toCarrierDto(c));
    await this.points.requireVisiblePoint(actor, pointId);
    const active = await this.activeAtPoint(this.dataSource.manager, pointId, carriers);
    return carriers.map((c) => toCarrierDto(c, active.has(c.id)));
  }

  async create(actor: Principal, dto: CreateCarrierDto): Promise<CarrierDto> {
    if (dto.waybillHint !== undefined) assertRegExp(dto.waybillHint);
    return this.dataSource.transaction(async (em) => {
      try {
        const { identifiers } = await em.getRepository(CarrierEntity).insert({ code: dto.code, name: dto.name, waybillHint: dto.waybillHint ?? null, active: true });
        const carrier = await em.getRepository(CarrierEntity).findOneByOrFail({ id: String(identifiers[0].id) });
        await this.audit.record(em, actor, { entityType: 'carrier', entityId: carrier.id, action: 'create', after: toCarrierDto(carrier) });
        return toCarrierDto(carrier);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new ConflictError('CARRIER_CODE_TAKEN', '承运商代码已存在', 'Carrier code already exists',
            [{ field: 'code', message: '已存在', messageEn: 'already exists' }]);
        }
        throw err;
      }
    });
  }

  /** Switches a carrier on or off at one point (admins and the point's agents). */
  async setActiveAtPoint(actor: Principal, pointId: string, carrierId: string, active: boolean): Promise<CarrierDto> {
    return this.dataSource.transaction(async (em) => {
      await this.points.requireActivePointForAction(actor, pointId, em);
      const carrier = await em.getRepository(CarrierEntity).findOneBy({ id: carrierId });
      if (!carrier) throw new NotFoundError('承运商', 'Carrier', 'CARRIER_NOT_FOUND');
      const before = (await this.activeAtPoint(em, pointId, [carrier])).has(carrier.id);
      await em.getRepository(PointCarrierEntity).upsert({ pointId, carrierId, active }, ['pointId', 'carrierId']);
      await this.audit.record(em, actor, {
        entityType: 'point_carrier', entityId: `${pointId}:${carrierId}`, action: 'update',
        before: { active: before }, after: { active: active && carrier.active },
      });
      return toCarrierDto(carrier, active && carrier.active);
    });
  }

  /** The carriers usable at a point, by upper-case code and by name (manifests name carriers either way). */
  async usableAtPoint(em: EntityManager, pointId: string): Promise<Map<string, CarrierEntity>> {
    const carriers = await em.getRepository(CarrierEntity).find();
    const active = await this.activeAtPoint(em, pointId, carriers);
    const usable = new Map<string, CarrierEntity>();
    for (const c of carriers) {
      if (!active.has(c.id)) continue;
      usable.set(c.code.toUpperCase(), c);
      usable.set(c.name, c);
    }
    return usable;
  }

  /** The carrier with this code if it serves the point, else 422 CARRIER_NOT_AVAILABLE. */
  async requireUsableAtPoint(em: EntityManager, pointId: string, code: string): Promise<CarrierEntity> {
    const carrier = await em.getRepository(CarrierEntity).findOneBy({ code: code.toUpperCase() });
    if (!carrier || !(await this.activeAtPoint(em, pointId, [carrier])).has(carrier.id)) throw carrierNotAvailable(code);
    return carrier;
  }

  /** Carrier codes by id for mapping responses; carriers are few and never deleted, so they are cached. */
  async codesById(ids: string[]): Promise<Map<string, string>> {
    if (ids.some((id) => !this.codes.has(id))) {
      const carriers = await this.dataSource.getRepository(CarrierEntity).find({ select: { id: true, code: true } });
      this.codes = new Map(carriers.map((c) => [c.id, c.code]));
    }
    return this.codes;
  }

  /** For notifications: the carrier's display name (中通, 顺丰…) by code, or the code itself. */
  async nameByCode(code: string): Promise<string> {
    const c = await this.dataSource.getRepository(CarrierEntity).findOne({ select: { name: true }, where: { code } });
    return c?.name ?? code;
  }

  /** Ids of the given carriers active at the point: the point's own setting wins over the carrier's flag. */
  private async activeAtPoint(em: EntityManager, pointId: string, carriers: CarrierEntity[]): Promise<Set<string>> {
    const settings = await em.getRepository(PointCarrierEntity).findBy({ pointId });
    const atPoint = new Map(settings.map((s) => [s.carrierId, s.active]));
    return new Set(carriers.filter((c) => c.active && (atPoint.get(c.id) ?? true)).map((c) => c.id));
  }
}

function assertRegExp(source: string): void {
  try {
    new RegExp(source);
  } catch {
    throw new InvalidFieldError('waybillHint', '不是有效的正则表达式', 'is not a valid regular expression');
  }
}
