import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { businessDay } from '../common/business-day';
import { ConflictError, InvalidFieldError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, PageQueryDto, paginate } from '../common/pagination';
import { maskPhone } from '../common/validation';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { toSafeInteger } from '../database/transformers/bigint.transformer';
import { ExportSource, keysetSource } from '../exports/keyset-source';
import { CommercePointsService } from '../organization/commerce-points.service';
import { OutboxService } from '../outbox/outbox.service';
import { CarriersService } from './carriers.service';
import { waybillTaken } from './down-parcels.service';
import { CancelHomePickupDto } from './dto/cancel-home-pickup.dto';
import { CreateHandoverDto } from './dto/create-handover.dto';
import { CreateHomePickupDto } from './dto/create-home-pickup.dto';
import { ListHomePickupsQueryDto } from './dto/list-home-pickups-query.dto';
import { ListUpParcelsQueryDto } from './dto/list-up-parcels-query.dto';
import { RegisterUpParcelDto } from './dto/register-up-parcel.dto';
import { HandoverDto, HomePickupDto, UpParcelDto } from './dto/responses.dto';
import { HomePickupRequestEntity } from './entities/home-pickup-request.entity';
import { ParcelHandoverEntity } from './entities/parcel-handover.entity';
import { UpParcelEntity } from './entities/up-parcel.entity';
import { FARMER_PHONE_LOOKUP, FarmerPhoneLookup } from './farmer-phone-lookup';
import { ParcelCountsService } from './parcel-counts.service';
import { HomePickupStatus, PARCEL_EVENTS, ParcelDirection, SenderKind, UpParcelStatus } from './parcel.enums';
import { normalizeWaybill, waybillHintWarning } from './waybill';

const toUpParcelDto = (p: UpParcelEntity, carrierCode: string, warnings: UpParcelDto['warnings'] = []): UpParcelDto => ({
  id: p.id, pointId: p.pointId, carrierId: p.carrierId, carrierCode, waybillNo: p.waybillNo, senderKind: p.senderKind,
  senderFarmerId: p.senderFarmerId, senderName: p.senderName, senderPhoneMasked: maskPhone(p.senderPhone),
  destinationProvince: p.destinationProvince, destinationCity: p.destinationCity, weightG: p.weightG, feeFen: p.feeFen,
  declaredContents: p.declaredContents, goodsProductId: p.goodsProductId, goodsQuantity: p.goodsQuantity, status: p.status,
  handoverId: p.handoverId, homePickupRequestId: p.homePickupRequestId, sentAt: p.sentAt, warnings,
});

const toHomePickupDto = (r: HomePickupRequestEntity): HomePickupDto => ({
  id: r.id, pointId: r.pointId, carrierId: r.carrierId, requesterName: r.requesterName, requesterPhoneMasked: maskPhone(r.requesterPhone),
  requesterFarmerId: r.requesterFarmerId, address: r.address, windowStart: r.windowStart, windowEnd: r.windowEnd, status: r.status,
  note: r.note, closedAt: r.closedAt, createdAt: r.createdAt,
});

const toHandoverDto = (h: ParcelHandoverEntity): HandoverDto => ({
  id: h.id, pointId: h.pointId, carrierId: h.carrierId, businessDay: h.businessDay, parcelCount: h.parcelCount, waybillNos: h.waybillNos,
  courierName: h.courierName, courierPhoneMasked: maskPhone(h.courierPhone), courierSignature: h.courierSignature,
  agentUserId: h.agentUserId, handedOverAt: h.handedOverAt,
});

const homePickupNotFound = () => new NotFoundError('上门揽件请求', 'Home pickup request', 'HOME_PICKUP_NOT_FOUND');

/** One up parcel as the export writes it (phone masked). */
export type UpParcelExportRow = {
  id: string; waybillNo: string; carrierName: string; senderKind: SenderKind; senderName: string; senderPhoneMasked: string;
  destination: string; weightG: number; feeFen: number; declaredContents: string; status: UpParcelStatus; sentAt: Date;
};

/**
 * Up parcels (上行): send registration (counted as `sent` in the same transaction), home pickup
 * requests that bring a courier to the door, and the hand-over of the day's parcels to a courier.
 */
@Injectable()
export class UpParcelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    private readonly carriers: CarriersService,
    private readonly counts: ParcelCountsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(FARMER_PHONE_LOOKUP) private readonly farmers: FarmerPhoneLookup,
  ) {}

  /** Registers a parcel leaving the village. Sending the same clientId twice registers it once. */
  async register(actor: Principal, pointId: string, dto: RegisterUpParcelDto): Promise<UpParcelDto> {
    const point = await this.points.requireActivePointForAction(actor, pointId);
    if (dto.clientId) {
      const replay = await this.dataSource.getRepository(UpParcelEntity).findOneBy({ pointId, clientId: dto.clientId });
      if (replay) return this.toDto(replay);
    }
    const carrier = await this.carriers.requireUsableAtPoint(this.dataSource.manager, pointId, dto.carrierCode);
    const waybillNo = normalizeWaybill(dto.waybillNo);
    const farmerId = dto.senderFarmerId ?? (await this.farmers.findIdsByPhones(point.companyId, [dto.senderPhone])).get(dto.senderPhone) ?? null;
    if (dto.goodsProductId && !farmerId) {
      throw new RuleViolationError('GOODS_NEED_FARMER', '关联自产商品时寄件人须为登记农户', 'Linking own goods needs a registered farmer as the sender',
        [{ field: 'senderFarmerId', message: '须为登记农户', messageEn: 'must be a registered farmer' }]);
    }
    const warning = waybillHintWarning(carrier, waybillNo);
    try {
      const parcel = await inTransaction(this.dataSource, async (em) => {
        if (dto.homePickupRequestId) {
          const request = await em.getRepository(HomePickupRequestEntity).findOne({ where: { id: dto.homePickupRequestId, pointId }, lock: { mode: 'pessimistic_write' } });
          if (!request) throw homePickupNotFound();
          if (request.status === HomePickupStatus.CANCELLED) {
            throw new ConflictError('HOME_PICKUP_CANCELLED', '该上门揽件请求已取消', 'The home pickup request was cancelled');
          }
          await em.getRepository(HomePickupRequestEntity).update({ id: request.id }, { status: HomePickupStatus.PICKED_UP, closedAt: request.closedAt ?? new Date() });
        }
        const now = new Date();
        const repo = em.getRepository(UpParcelEntity);
        const { identifiers } = await repo.insert({
          pointId, carrierId: carrier.id, waybillNo, senderKind: dto.senderKind, senderFarmerId: farmerId, senderName: dto.senderName,
          senderPhone: dto.senderPhone, destinationProvince: dto.destinationProvince, destinationCity: dto.destinationCity,
          weightG: dto.weightG, feeFen: dto.feeFen, declaredContents: dto.declaredContents, goodsProductId: dto.goodsProductId ?? null,
          goodsQuantity: dto.goodsQuantity ?? null, status: UpParcelStatus.REGISTERED, homePickupRequestId: dto.homePickupRequestId ?? null,
          clientId: dto.clientId ?? null, sentAt: now, registeredByUserId: actor.id,
        });
        const saved = await repo.findOneByOrFail({ id: String(identifiers[0].id) });
        await this.counts.bump(em, point, [{ carrierId: carrier.id, day: businessDay(now), direction: ParcelDirection.UP, sent: 1 }]);
        await this.audit.record(em, actor, { entityType: 'up_parcel', entityId: saved.id, action: 'send', after: toUpParcelDto(saved, carrier.code) });
        return saved;
      });
      return toUpParcelDto(parcel, carrier.code, warning ? [warning] : []);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const replay = dto.clientId ? await this.dataSource.getRepository(UpParcelEntity).findOneBy({ pointId, clientId: dto.clientId }) : null;
      if (replay) return this.toDto(replay);
      throw waybillTaken(waybillNo);
    }
  }

  async list(actor: Principal, pointId: string, query: ListUpParcelsQueryDto): Promise<Page<UpParcelDto>> {
    await this.points.requireVisiblePoint(actor, pointId);
    const page = await paginate(this.listQuery(pointId, query), 'p.id', query, (p) => p);
    const codes = await this.carriers.codesById(page.items.map((p) => p.carrierId));
    return { items: page.items.map((p) => toUpParcelDto(p, codes.get(p.carrierId) ?? '')), nextCursor: page.nextCursor };
  }

  /** The export of a point's up parcels: same filters and scope as the list (404 for a point out of scope); phones masked. */
  async exportSource(actor: Principal, pointId: string, query: Omit<ListUpParcelsQueryDto, 'limit' | 'cursor'>): Promise<ExportSource<UpParcelExportRow>> {
    await this.points.requireVisiblePoint(actor, pointId);
    return keysetSource(this.listQuery(pointId, query), {
      idColumn: 'p.id',
      index: 'idx_up_parcel_point_id',
      select: (qb) => qb.select([
        'p.id AS id', 'p.waybill_no AS waybillNo', 'cr.name AS carrierName', 'p.sender_kind AS senderKind', 'p.sender_name AS senderName',
        'p.sender_phone AS senderPhone', 'p.destination_province AS destinationProvince', 'p.destination_city AS destinationCity',
        'p.weight_g AS weightG', 'p.fee_fen AS feeFen', 'p.declared_contents AS declaredContents', 'p.status AS status', 'p.sent_at AS sentAt',
      ]).leftJoin('carrier', 'cr', 'cr.id = p.carrier_id'),
      map: (r) => ({
        id: String(r.id), waybillNo: String(r.waybillNo), carrierName: (r.carrierName as string) ?? '', senderKind: r.senderKind as SenderKind,
        senderName: String(r.senderName), senderPhoneMasked: maskPhone(r.senderPhone as string) ?? '',
        destination: `${String(r.destinationProvince)}${String(r.destinationCity)}`, weightG: Number(r.weightG), feeFen: toSafeInteger(r.feeFen),
        declaredContents: String(r.declaredContents), status: r.status as UpParcelStatus, sentAt: r.sentAt as Date,
      }),
    });
  }

  private listQuery(pointId: string, query: Omit<ListUpParcelsQueryDto, 'limit' | 'cursor'>) {
    const qb = this.dataSource.getRepository(UpParcelEntity).createQueryBuilder('p').where('p.point_id = :pointId', { pointId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.carrierCode) qb.andWhere('p.carrier_id = (SELECT c.id FROM carrier c WHERE c.code = :code)', { code: query.carrierCode.toUpperCase() });
    return qb;
  }

  /** A villager phoned for a courier to fetch a parcel at home; publishes parcel.pickup_requested. */
  async requestHomePickup(actor: Principal, pointId: string, dto: CreateHomePickupDto): Promise<HomePickupDto> {
    const point = await this.points.requireActivePointForAction(actor, pointId);
    const repo = this.dataSource.getRepository(HomePickupRequestEntity);
    if (dto.clientId) {
      const replay = await repo.findOneBy({ pointId, clientId: dto.clientId });
      if (replay) return toHomePickupDto(replay);
    }
    const windowStart = new Date(dto.windowStart);
    const windowEnd = new Date(dto.windowEnd);
    if (windowEnd <= windowStart) throw new InvalidFieldError('windowEnd', '须晚于开始时间', 'must be after windowStart');
    const carrier = dto.carrierCode ? await this.carriers.requireUsableAtPoint(this.dataSource.manager, pointId, dto.carrierCode) : null;
    const farmerId = (await this.farmers.findIdsByPhones(point.companyId, [dto.requesterPhone])).get(dto.requesterPhone) ?? null;
    try {
      return toHomePickupDto(await inTransaction(this.dataSource, async (em) => {
        const { identifiers } = await em.getRepository(HomePickupRequestEntity).insert({
          pointId, carrierId: carrier?.id ?? null, requesterName: dto.requesterName, requesterPhone: dto.requesterPhone,
          requesterFarmerId: farmerId, address: dto.address, windowStart, windowEnd, status: HomePickupStatus.REQUESTED,
          note: dto.note ?? null, clientId: dto.clientId ?? null, createdByUserId: actor.id,
        });
        const created = await em.getRepository(HomePickupRequestEntity).findOneByOrFail({ id: String(identifiers[0].id) });
        await this.outbox.publish(em, {
          eventType: PARCEL_EVENTS.PICKUP_REQUESTED, aggregateType: 'home_pickup_request', aggregateId: created.id,
          payload: {
            requestId: created.id, pointId, carrierCode: carrier?.code ?? null, requesterName: created.requesterName,
            requesterPhone: created.requesterPhone, address: created.address,
            windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString(),
          },
        });
        await this.audit.record(em, actor, { entityType: 'home_pickup_request', entityId: created.id, action: 'create', after: toHomePickupDto(created) });
        return created;
      }));
    } catch (err) {
      const replay = dto.clientId && isDuplicateKeyError(err) ? await repo.findOneBy({ pointId, clientId: dto.clientId }) : null;
      if (replay) return toHomePickupDto(replay);
      throw err;
    }
  }

  async listHomePickups(actor: Principal, pointId: string, query: ListHomePickupsQueryDto): Promise<Page<HomePickupDto>> {
    await this.points.requireVisiblePoint(actor, pointId);
    const qb = this.dataSource.getRepository(HomePickupRequestEntity).createQueryBuilder('r').where('r.point_id = :pointId', { pointId });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    return paginate(qb, 'r.id', query, toHomePickupDto);
  }

  async cancelHomePickup(actor: Principal, requestId: string, dto: CancelHomePickupDto): Promise<HomePickupDto> {
    const found = await this.dataSource.getRepository(HomePickupRequestEntity).findOneBy({ id: requestId });
    if (!found) throw homePickupNotFound();
    try {
      await this.points.requireActivePointForAction(actor, found.pointId);
    } catch (err) {
      if (err instanceof NotFoundError) throw homePickupNotFound();
      throw err;
    }
    return toHomePickupDto(await inTransaction(this.dataSource, async (em) => {
      const repo = em.getRepository(HomePickupRequestEntity);
      const request = await repo.findOneOrFail({ where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
      if (request.status === HomePickupStatus.CANCELLED) return request;
      if (request.status !== HomePickupStatus.REQUESTED) {
        throw new ConflictError('HOME_PICKUP_CLOSED', '该请求已完成，不能取消', 'The request is already fulfilled');
      }
      await repo.update({ id: requestId }, { status: HomePickupStatus.CANCELLED, closedAt: new Date() });
      const after = await repo.findOneByOrFail({ id: requestId });
      await this.audit.record(em, actor, { entityType: 'home_pickup_request', entityId: requestId, action: 'cancel', reason: dto.reason, before: { status: request.status }, after: { status: after.status } });
      return after;
    }));
  }

  /**
   * Hands the point's waiting up parcels of one carrier (or the listed ones) to its courier: one
   * record with the count and the waybills, signed by the agent (the caller) and the courier.
   */
  async handOver(actor: Principal, pointId: string, dto: CreateHandoverDto): Promise<HandoverDto> {
    await this.points.requireActivePointForAction(actor, pointId);
    const carrier = await this.carriers.requireUsableAtPoint(this.dataSource.manager, pointId, dto.carrierCode);
    return toHandoverDto(await inTransaction(this.dataSource, async (em) => {
      const repo = em.getRepository(UpParcelEntity);
      const where = { pointId, carrierId: carrier.id, status: UpParcelStatus.REGISTERED, ...(dto.upParcelIds ? { id: In(dto.upParcelIds) } : {}) };
      const parcels = await repo.find({ where, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      if (dto.upParcelIds) {
        const eligible = new Set(parcels.map((p) => p.id));
        const bad = [...new Set(dto.upParcelIds)].filter((id) => !eligible.has(id));
        if (bad.length > 0) {
          throw new RuleViolationError('HANDOVER_PARCELS_NOT_ELIGIBLE', '部分上行件不属于此服务点和承运商或已交接',
            'Some up parcels are not waiting at this point for this carrier',
            bad.map((id) => ({ field: 'upParcelIds', message: `${id} 不可交接`, messageEn: `${id} cannot be handed over` })));
        }
      }
      if (parcels.length === 0) {
        throw new RuleViolationError('NOTHING_TO_HAND_OVER', '没有待交接的上行件', 'No up parcels are waiting for this carrier');
      }
      const now = new Date();
      const { identifiers } = await em.getRepository(ParcelHandoverEntity).insert({
        pointId, carrierId: carrier.id, businessDay: businessDay(now), parcelCount: parcels.length, waybillNos: parcels.map((p) => p.waybillNo),
        courierName: dto.courierName, courierPhone: dto.courierPhone, courierSignature: dto.courierSignature, agentUserId: actor.id, handedOverAt: now,
      });
      const handoverId = String(identifiers[0].id);
      await repo.update({ id: In(parcels.map((p) => p.id)) }, { status: UpParcelStatus.HANDED_OVER, handoverId });
      const handover = await em.getRepository(ParcelHandoverEntity).findOneByOrFail({ id: handoverId });
      await this.audit.record(em, actor, { entityType: 'parcel_handover', entityId: handoverId, action: 'create', after: toHandoverDto(handover) });
      return handover;
    }));
  }

  async listHandovers(actor: Principal, pointId: string, query: PageQueryDto): Promise<Page<HandoverDto>> {
    await this.points.requireVisiblePoint(actor, pointId);
    const qb = this.dataSource.getRepository(ParcelHandoverEntity).createQueryBuilder('h').where('h.point_id = :pointId', { pointId });
    return paginate(qb, 'h.id', query, toHandoverDto);
  }

  private async toDto(parcel: UpParcelEntity): Promise<UpParcelDto> {
    const codes = await this.carriers.codesById([parcel.carrierId]);
    return toUpParcelDto(parcel, codes.get(parcel.carrierId) ?? '');
  }
}

