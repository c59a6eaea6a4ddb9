import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { businessDay } from '../common/business-day';
import { ConflictError, DomainError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { maskPhone } from '../common/validation';
import { ExportSource, keysetSource } from '../exports/keyset-source';
import { parcelsConfig } from '../config/parcels.config';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { CommercePointEntity } from '../organization/commerce-point.entity';
import { CommercePointsService } from '../organization/commerce-points.service';
import { OutboxService } from '../outbox/outbox.service';
import { CarriersService } from './carriers.service';
import { toDownParcelDto } from './down-parcel.mapper';
import { ClearFlagDto } from './dto/clear-flag.dto';
import { ListDownParcelsQueryDto } from './dto/list-down-parcels-query.dto';
import { PickupByCodeDto } from './dto/pickup-by-code.dto';
import { PickupParcelDto } from './dto/pickup-parcel.dto';
import { PickupProxyDto } from './dto/pickup-proxy.dto';
import { RegisterArrivalDto } from './dto/register-arrival.dto';
import { DownParcelDto } from './dto/responses.dto';
import { ReturnParcelDto } from './dto/return-parcel.dto';
import { DownParcelEntity } from './entities/down-parcel.entity';
import { FARMER_PHONE_LOOKUP, FarmerPhoneLookup } from './farmer-phone-lookup';
import { CountedPoint, ParcelCountsService } from './parcel-counts.service';
import { ArrivalSource, DownParcelStatus, PARCEL_EVENTS, ParcelDirection, PickupMethod } from './parcel.enums';
import { ParcelStationsService } from './parcel-stations.service';
import { normalizePickupCode } from './pickup-code';
import { normalizeWaybill, waybillHintWarning } from './waybill';

/** One down parcel as the export writes it (phone masked). */
export type DownParcelExportRow = {
  id: string; waybillNo: string; carrierCode: string; carrierName: string; recipientName: string; recipientPhoneMasked: string;
  pickupCode: string; status: DownParcelStatus; source: ArrivalSource; weightG: number | null; arrivedAt: Date; collectedAt: Date | null;
  pickupMethod: PickupMethod | null; proxyName: string | null; returnedAt: Date | null; returnReason: string | null;
};

export const parcelNotFound = () => new NotFoundError('包裹', 'Parcel', 'PARCEL_NOT_FOUND');
export const waybillTaken = (waybillNo: string) => new ConflictError(
  'WAYBILL_ALREADY_REGISTERED', `运单号 ${waybillNo} 已登记且未退回`, `Waybill ${waybillNo} is already registered for this carrier and not returned`,
  [{ field: 'waybillNo', message: '已登记', messageEn: 'already registered' }],
);
const alreadyCollected = () => new ConflictError('PARCEL_ALREADY_COLLECTED', '包裹已被取走，不能再次取件', 'The parcel has already been collected');
const alreadyReturned = () => new ConflictError('PARCEL_RETURNED', '包裹已退回承运商', 'The parcel has been returned to the carrier');
const flagged = () => new RuleViolationError('PARCEL_FLAGGED', '取件码错误次数过多，包裹已锁定，请代办员核实后解锁',
  'Too many wrong pickup attempts: the parcel is flagged until an agent clears it');

/** The arrival event the notifications module turns into the SMS with the pickup code. */
export function arrivedEvent(p: { id: string; pointId: string; carrierCode: string; waybillNo: string; pickupCode: string; recipientPhone: string; recipientName: string; recipientFarmerId: string | null; arrivedAt: Date }) {
  return {
    eventType: PARCEL_EVENTS.ARRIVED, aggregateType: 'down_parcel', aggregateId: p.id,
    payload: {
      parcelId: p.id, pointId: p.pointId, carrierCode: p.carrierCode, waybillNo: p.waybillNo, pickupCode: p.pickupCode,
      recipientPhone: p.recipientPhone, recipientName: p.recipientName, recipientFarmerId: p.recipientFarmerId, arrivedAt: p.arrivedAt.toISOString(),
    },
  };
}

/** A refusal decided inside a transaction whose writes (the attempt count) must still commit. */
type Outcome = { parcel: DownParcelEntity } | { error: DomainError };

/**
 * Down parcels (下行): arrival by scan, pickup (code, phone tail, proxy), wrong-code flagging,
 * overdue reminders and returns. Every event bumps the counters in its own transaction.
 */
@Injectable()
export class DownParcelsService {
  private readonly logger = new Logger(DownParcelsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    private readonly carriers: CarriersService,
    private readonly stations: ParcelStationsService,
    private readonly counts: ParcelCountsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(FARMER_PHONE_LOOKUP) private readonly farmers: FarmerPhoneLookup,
    @Inject(parcelsConfig.KEY) private readonly config: ConfigType<typeof parcelsConfig>,
  ) {}

  /** Registers one scanned parcel and gives it a pickup code. Sending the same clientId twice registers it once. */
  async registerArrival(actor: Principal, pointId: string, dto: RegisterArrivalDto): Promise<DownParcelDto> {
    const point = await this.points.requireActivePointForAction(actor, pointId);
    if (dto.clientId) {
      const replay = await this.findByClientId(pointId, dto.clientId);
      if (replay) return replay;
    }
    const carrier = await this.carriers.requireUsableAtPoint(this.dataSource.manager, pointId, dto.carrierCode);
    const waybillNo = normalizeWaybill(dto.waybillNo);
    const farmerId = (await this.farmers.findIdsByPhones(point.companyId, [dto.recipientPhone])).get(dto.recipientPhone) ?? null;
    await this.stations.ensureStation(pointId);
    const warning = waybillHintWarning(carrier, waybillNo);
    try {
      const parcel = await inTransaction(this.dataSource, async (em) => {
        const [code] = await this.stations.allocate(em, pointId, 1);
        const now = new Date();
        const repo = em.getRepository(DownParcelEntity);
        const { identifiers } = await repo.insert({
          pointId, carrierId: carrier.id, waybillNo, unreturnedWaybill: waybillNo, recipientName: dto.recipientName,
          recipientPhone: dto.recipientPhone, recipientPhoneLast4: dto.recipientPhone.slice(-4), recipientFarmerId: farmerId,
          weightG: dto.weightG ?? null, pickupCode: code, openPickupCode: code, status: DownParcelStatus.AWAITING_PICKUP,
          source: ArrivalSource.SCAN, clientId: dto.clientId ?? null, arrivedAt: now, registeredByUserId: actor.id,
        });
        const saved = await repo.findOneByOrFail({ id: String(identifiers[0].id) });
        await this.counts.bump(em, point, [{ carrierId: carrier.id, day: businessDay(now), direction: ParcelDirection.DOWN, received: 1 }]);
        await this.outbox.publish(em, arrivedEvent({ ...saved, carrierCode: carrier.code }));
        await this.audit.record(em, actor, { entityType: 'down_parcel', entityId: saved.id, action: 'arrive', after: toDownParcelDto(saved, carrier.code) });
        return saved;
      });
      return toDownParcelDto(parcel, carrier.code, warning ? [warning] : []);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // A concurrent retry with the same clientId won the race: answer with its parcel.
      const replay = dto.clientId ? await this.findByClientId(pointId, dto.clientId) : null;
      if (replay) return replay;
      throw waybillTaken(waybillNo);
    }
  }

  list(actor: Principal, pointId: string, query: ListDownParcelsQueryDto): Promise<Page<DownParcelDto>> {
    return this.withCarrierCodes(async () => {
      await this.points.requireVisiblePoint(actor, pointId);
      return paginate(this.listQuery(pointId, query), 'p.id', query, (p) => p);
    });
  }

  /**
   * The export of a point's down parcels: same filters and scope as the list (the point must be
   * visible, else 404 before anything is written); phones masked as in the list.
   */
  async exportSource(actor: Principal, pointId: string, query: Omit<ListDownParcelsQueryDto, 'limit' | 'cursor'>): Promise<ExportSource<DownParcelExportRow>> {
    await this.points.requireVisiblePoint(actor, pointId);
    return keysetSource(this.listQuery(pointId, query), {
      idColumn: 'p.id',
      index: 'idx_down_parcel_point_id',
      select: (qb) => qb.select([
        'p.id AS id', 'p.waybill_no AS waybillNo', 'cr.code AS carrierCode', 'cr.name AS carrierName', 'p.recipient_name AS recipientName',
        'p.recipient_phone AS recipientPhone', 'p.pickup_code AS pickupCode', 'p.status AS status', 'p.source AS source',
        'p.weight_g AS weightG', 'p.arrived_at AS arrivedAt', 'p.collected_at AS collectedAt', 'p.pickup_method AS pickupMethod',
        'p.proxy_name AS proxyName', 'p.returned_at AS returnedAt', 'p.return_reason AS returnReason',
      ]).leftJoin('carrier', 'cr', 'cr.id = p.carrier_id'),
      map: (r) => ({
        id: String(r.id), waybillNo: String(r.waybillNo), carrierCode: (r.carrierCode as string) ?? '', carrierName: (r.carrierName as string) ?? '',
        recipientName: String(r.recipientName), recipientPhoneMasked: maskPhone(r.recipientPhone as string) ?? '', pickupCode: String(r.pickupCode),
        status: r.status as DownParcelStatus, source: r.source as ArrivalSource, weightG: r.weightG === null ? null : Number(r.weightG),
        arrivedAt: r.arrivedAt as Date, collectedAt: (r.collectedAt as Date | null) ?? null, pickupMethod: (r.pickupMethod as PickupMethod | null) ?? null,
        proxyName: (r.proxyName as string | null) ?? null, returnedAt: (r.returnedAt as Date | null) ?? null, returnReason: (r.returnReason as string | null) ?? null,
      }),
    });
  }

  private listQuery(pointId: string, query: Omit<ListDownParcelsQueryDto, 'limit' | 'cursor'>) {
    const qb = this.dataSource.getRepository(DownParcelEntity).createQueryBuilder('p').where('p.point_id = :pointId', { pointId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.phoneLast4) qb.andWhere('p.recipient_phone_last4 = :tail', { tail: query.phoneLast4 });
    return qb;
  }

  /** For notifications: the parcel's recipient farmer and status now (a collected parcel needs no SMS). */
  async findForNotice(parcelId: string): Promise<{ recipientFarmerId: string | null; status: DownParcelStatus } | null> {
    const p = await this.dataSource.getRepository(DownParcelEntity).findOne({ select: { id: true, recipientFarmerId: true, status: true }, where: { id: parcelId } });
    return p ? { recipientFarmerId: p.recipientFarmerId, status: p.status } : null;
  }

  /**
   * For notifications: a page of a manifest's parcels (see ManifestArrivedPayload), by id after
   * `afterId`, with what each one's arrival SMS needs. A primary-key range filtered by manifest.
   */
  async manifestParcelsForNotice(
    manifestId: string, firstParcelId: string, afterId: string | null, limit: number,
  ): Promise<Array<{ id: string; carrierId: string; pickupCode: string; recipientPhone: string; recipientFarmerId: string | null; status: DownParcelStatus }>> {
    const rows: Array<{ id: string; carrier_id: string; pickup_code: string; recipient_phone: string; recipient_farmer_id: string | null; status: DownParcelStatus }> =
      await this.dataSource.query(
        `SELECT id, carrier_id, pickup_code, recipient_phone, recipient_farmer_id, status FROM down_parcel
          WHERE id >= ? AND id > ? AND manifest_id = ? ORDER BY id LIMIT ?`,
        [firstParcelId, afterId ?? '0', manifestId, limit],
      );
    return rows.map((r) => ({
      id: String(r.id), carrierId: String(r.carrier_id), pickupCode: r.pickup_code, recipientPhone: r.recipient_phone,
      recipientFarmerId: r.recipient_farmer_id === null ? null : String(r.recipient_farmer_id), status: r.status,
    }));
  }

  /**
   * A farmer's own down parcels (farmer app, SMS 快递): linked to the farmer, or addressed to the
   * farmer's phone at a point of the farmer's company. Newest first; `waitingOnly` for the shelf.
   */
  async listForFarmer(farmer: { id: string; companyId: string; phone: string }, waitingOnly: boolean, limit = 50): Promise<DownParcelDto[]> {
    // Two indexed lookups (linked to the farmer; sent to the farmer's phone at the company's points)
    // merged newest first: an OR across the two columns would make MariaDB scan the table.
    const newest = (where: string, params: Record<string, unknown>) => {
      const qb = this.dataSource.getRepository(DownParcelEntity).createQueryBuilder('p')
        .where(where, params).orderBy('p.id', 'DESC').limit(limit);
      if (waitingOnly) qb.andWhere('p.status = :status', { status: DownParcelStatus.AWAITING_PICKUP });
      return qb.getMany();
    };
    const [linked, byPhone] = await Promise.all([
      newest('p.recipient_farmer_id = :farmerId', { farmerId: farmer.id }),
      newest('p.recipient_phone = :phone AND p.point_id IN (SELECT sp.id FROM commerce_point sp WHERE sp.company_id = :companyId)',
        { phone: farmer.phone, companyId: farmer.companyId }),
    ]);
    const byId = new Map([...linked, ...byPhone].map((r) => [r.id, r]));
    const rows = [...byId.values()].sort((a, b) => compareIdsDesc(a.id, b.id)).slice(0, limit);
    const codes = await this.carriers.codesById(rows.map((r) => r.carrierId));
    return rows.map((r) => toDownParcelDto(r, codes.get(r.carrierId) ?? ''));
  }

  async get(actor: Principal, parcelId: string): Promise<DownParcelDto> {
    const parcel = await this.dataSource.getRepository(DownParcelEntity).findOneBy({ id: parcelId });
    if (!parcel) throw parcelNotFound();
    await this.asParcelScope(() => this.points.requireVisiblePoint(actor, parcel.pointId));
    return this.toDto(parcel);
  }

  /**
   * Pickup by code (取件码), optionally checked against the recipient's phone tail. A wrong tail,
   * or a wrong code given with a tail, counts as a failed attempt on the parcels of that tail; at the
   * configured limit they are flagged and refused until an agent clears them.
   */
  async pickupByCode(actor: Principal, pointId: string, dto: PickupByCodeDto): Promise<DownParcelDto> {
    const code = normalizePickupCode(dto.code);
    // The scope check runs on its own connection while the transaction starts and locks the parcel:
    // one round trip fewer in the counter's busiest request. Nothing is decided or answered before
    // it passes; if it fails the transaction rolls back and the caller gets its 404/422.
    const pointCheck = this.points.requireActivePointForAction(actor, pointId);
    pointCheck.catch(() => undefined);
    const outcome = await inTransaction(this.dataSource, async (em): Promise<Outcome> => {
      const [parcel, point] = await Promise.all([
        code ? em.getRepository(DownParcelEntity).findOne({ where: { pointId, openPickupCode: code }, lock: { mode: 'pessimistic_write' } }) : null,
        pointCheck,
      ]);
      if (parcel) {
        if (parcel.flaggedAt) return { error: flagged() };
        if (dto.phoneLast4 && dto.phoneLast4 !== parcel.recipientPhoneLast4) {
          return { error: await this.countFailedAttempt(em, pointId, { parcelId: parcel.id }) };
        }
        return { parcel: await this.collect(em, actor, parcel, dto.proxyName ? PickupMethod.PROXY : PickupMethod.CODE, dto, new Date(), point) };
      }
      // Not on the shelf: a retry of a pickup that succeeded, a parcel already gone, or a wrong code.
      const last = code ? await em.getRepository(DownParcelEntity).findOne({ where: { pointId, pickupCode: code }, order: { id: 'DESC' } }) : null;
      if (last?.status === DownParcelStatus.COLLECTED) {
        return dto.clientId && last.pickupClientId === dto.clientId ? { parcel: last } : { error: alreadyCollected() };
      }
      if (last?.status === DownParcelStatus.RETURNED) return { error: alreadyReturned() };
      if (dto.phoneLast4) return { error: await this.countFailedAttempt(em, pointId, { phoneLast4: dto.phoneLast4 }) };
      return { error: wrongCode() };
    });
    if ('error' in outcome) throw outcome.error;
    return this.toDto(outcome.parcel);
  }

  /** Pickup of a parcel found by the recipient's phone tail, confirmed with that tail (or by a proxy with a note). */
  async pickupParcel(actor: Principal, parcelId: string, dto: PickupParcelDto): Promise<DownParcelDto> {
    const point = await this.requireParcelForAction(actor, parcelId);
    const outcome = await inTransaction(this.dataSource, async (em): Promise<Outcome> => {
      const parcel = await em.getRepository(DownParcelEntity).findOneOrFail({ where: { id: parcelId }, lock: { mode: 'pessimistic_write' } });
      if (parcel.status === DownParcelStatus.COLLECTED) {
        return dto.clientId && parcel.pickupClientId === dto.clientId ? { parcel } : { error: alreadyCollected() };
      }
      if (parcel.status === DownParcelStatus.RETURNED) return { error: alreadyReturned() };
      if (parcel.flaggedAt) return { error: flagged() };
      if (dto.phoneLast4 !== parcel.recipientPhoneLast4) return { error: await this.countFailedAttempt(em, parcel.pointId, { parcelId }) };
      return { parcel: await this.collect(em, actor, parcel, dto.proxyName ? PickupMethod.PROXY : PickupMethod.PHONE_TAIL, dto, new Date(), point) };
    });
    if ('error' in outcome) throw outcome.error;
    return this.toDto(outcome.parcel);
  }

  /** An agent checked the recipient in person: the parcel may be collected again. */
  async clearFlag(actor: Principal, parcelId: string, dto: ClearFlagDto): Promise<DownParcelDto> {
    await this.requireParcelForAction(actor, parcelId);
    const parcel = await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(DownParcelEntity);
      const before = await repo.findOneOrFail({ where: { id: parcelId }, lock: { mode: 'pessimistic_write' } });
      if (!before.flaggedAt && before.failedPickupAttempts === 0) return before;
      await repo.update({ id: parcelId }, { flaggedAt: null, failedPickupAttempts: 0 });
      const after = await repo.findOneByOrFail({ id: parcelId });
      await this.audit.record(em, actor, {
        entityType: 'down_parcel', entityId: parcelId, action: 'clear_flag', reason: dto.note,
        before: { flaggedAt: before.flaggedAt, failedPickupAttempts: before.failedPickupAttempts },
        after: { flaggedAt: null, failedPickupAttempts: 0 },
      });
      return after;
    });
    return this.toDto(parcel);
  }

  /**
   * Marks parcels on the shelf longer than the reminder period as reminded and publishes one
   * `parcel.overdue` per parcel. Idempotent: a parcel is reminded once, however often this runs.
   * Meant for a timed job (one run per slot); returns how many parcels were reminded.
   */
  async remindOverdue(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.remindAfterDays * 86_400_000);
    const returnDueDays = this.config.returnAfterDays;
    let total = 0;
    for (;;) {
      const reminded = await inTransaction(this.dataSource, async (em) => {
        const due: DownParcelEntity[] = await em.getRepository(DownParcelEntity).createQueryBuilder('p')
          .where('p.status = :status AND p.arrived_at < :cutoff AND p.reminded_at IS NULL', { status: DownParcelStatus.AWAITING_PICKUP, cutoff })
          .orderBy('p.arrived_at', 'ASC').take(500).setLock('pessimistic_write').setOnLocked('skip_locked').getMany();
        if (due.length === 0) return 0;
        await em.getRepository(DownParcelEntity).createQueryBuilder().update()
          .set({ remindedAt: now }).where('id IN (:...ids) AND reminded_at IS NULL', { ids: due.map((p) => p.id) }).execute();
        const codes = await this.carriers.codesById(due.map((p) => p.carrierId));
        await this.outbox.publish(em, ...due.map((p) => ({
          eventType: PARCEL_EVENTS.OVERDUE, aggregateType: 'down_parcel', aggregateId: p.id,
          payload: {
            parcelId: p.id, pointId: p.pointId, carrierCode: codes.get(p.carrierId), waybillNo: p.waybillNo, pickupCode: p.pickupCode,
            recipientPhone: p.recipientPhone, recipientName: p.recipientName, arrivedAt: p.arrivedAt.toISOString(),
            returnDueAt: new Date(p.arrivedAt.getTime() + returnDueDays * 86_400_000).toISOString(),
          },
        })));
        return due.length;
      });
      total += reminded;
      if (reminded < 500) break;
    }
    if (total > 0) this.logger.log(`reminded ${total} overdue parcel(s)`);
    return total;
  }

  /** Parcels at the point on the shelf longer than the return period, oldest first. */
  async listDueForReturn(actor: Principal, pointId: string, now = new Date()): Promise<DownParcelDto[]> {
    return this.withCarrierCodes(async () => {
      await this.points.requireVisiblePoint(actor, pointId);
      const cutoff = new Date(now.getTime() - this.config.returnAfterDays * 86_400_000);
      return this.dataSource.getRepository(DownParcelEntity).createQueryBuilder('p')
        .where('p.point_id = :pointId AND p.status = :status AND p.arrived_at < :cutoff', { pointId, status: DownParcelStatus.AWAITING_PICKUP, cutoff })
        .orderBy('p.arrived_at', 'ASC').take(500).getMany();
    });
  }

  /** Records a parcel's return to its carrier with the return waybill; the waybill may then be registered again. */
  async returnParcel(actor: Principal, parcelId: string, dto: ReturnParcelDto): Promise<DownParcelDto> {
    const point = await this.requireParcelForAction(actor, parcelId);
    const returnWaybillNo = normalizeWaybill(dto.returnWaybillNo);
    const outcome = await inTransaction(this.dataSource, async (em): Promise<Outcome> => {
      const repo = em.getRepository(DownParcelEntity);
      const parcel = await repo.findOneOrFail({ where: { id: parcelId }, lock: { mode: 'pessimistic_write' } });
      if (parcel.status === DownParcelStatus.RETURNED) {
        return parcel.returnWaybillNo === returnWaybillNo ? { parcel } : { error: new ConflictError('PARCEL_ALREADY_RETURNED', '包裹已退回', 'The parcel was already returned') };
      }
      if (parcel.status === DownParcelStatus.COLLECTED) return { error: alreadyCollected() };
      const now = new Date();
      await repo.update({ id: parcelId }, {
        status: DownParcelStatus.RETURNED, openPickupCode: null, unreturnedWaybill: null, returnedAt: now,
        returnWaybillNo, returnReason: dto.reason ?? null, returnedByUserId: actor.id,
      });
      const after = await repo.findOneByOrFail({ id: parcelId });
      const carrierCode = (await this.carriers.codesById([after.carrierId])).get(after.carrierId);
      await this.counts.bump(em, point, [{ carrierId: after.carrierId, day: businessDay(now), direction: ParcelDirection.DOWN, returned: 1 }]);
      await this.outbox.publish(em, {
        eventType: PARCEL_EVENTS.RETURNED, aggregateType: 'down_parcel', aggregateId: parcelId,
        payload: { parcelId, pointId: after.pointId, carrierCode, waybillNo: after.waybillNo, returnWaybillNo, reason: after.returnReason, returnedAt: now.toISOString() },
      });
      await this.audit.record(em, actor, {
        entityType: 'down_parcel', entityId: parcelId, action: 'return', reason: dto.reason ?? null,
        before: { status: parcel.status }, after: { status: after.status, returnWaybillNo },
      });
      return { parcel: after };
    });
    if ('error' in outcome) throw outcome.error;
    return this.toDto(outcome.parcel);
  }

  /**
   * Takes a locked, waiting parcel off the shelf: frees its code, records how and by whom, and
   * counts it as collected on the business day of `at`. Used by door delivery too.
   */
  async collect(
    em: EntityManager, actor: Principal, parcel: DownParcelEntity, method: PickupMethod,
    proxy: PickupProxyDto, at = new Date(), point?: CountedPoint,
  ): Promise<DownParcelEntity> {
    const changes = {
      status: DownParcelStatus.COLLECTED, openPickupCode: null, collectedAt: at, pickupMethod: method, collectedByUserId: actor.id,
      pickupClientId: proxy.clientId ?? null, proxyName: proxy.proxyName ?? null, proxyPhone: proxy.proxyPhone ?? null, proxyNote: proxy.proxyNote ?? null,
    };
    const result = await em.getRepository(DownParcelEntity).createQueryBuilder().update().set(changes)
      .where('id = :id AND status = :status', { id: parcel.id, status: DownParcelStatus.AWAITING_PICKUP }).execute();
    if (result.affected !== 1) throw alreadyCollected();
    const counted = point ?? await em.getRepository(CommercePointEntity).findOneByOrFail({ id: parcel.pointId });
    const waitSeconds = Math.max(0, Math.floor((at.getTime() - parcel.arrivedAt.getTime()) / 1000));
    await this.counts.bump(em, counted, [{ carrierId: parcel.carrierId, day: businessDay(at), direction: ParcelDirection.DOWN, collected: 1, pickupWaitSeconds: waitSeconds }]);
    // The locked row plus exactly what the UPDATE set: no second read of the row (a round trip in every pickup).
    const after: DownParcelEntity = { ...parcel, ...changes };
    await this.audit.record(em, actor, {
      entityType: 'down_parcel', entityId: parcel.id, action: 'collect',
      before: { status: parcel.status }, after: { status: after.status, pickupMethod: method, proxyName: after.proxyName, proxyNote: after.proxyNote },
    });
    return after;
  }

  /** The point of a parcel the caller may act at; a parcel out of scope is simply not found. */
  async requireParcelForAction(actor: Principal, parcelId: string): Promise<CommercePointEntity> {
    const parcel = await this.dataSource.getRepository(DownParcelEntity).findOne({ where: { id: parcelId }, select: { id: true, pointId: true } });
    if (!parcel) throw parcelNotFound();
    return this.asParcelScope(() => this.points.requireActivePointForAction(actor, parcel.pointId));
  }

  async toDto(parcel: DownParcelEntity): Promise<DownParcelDto> {
    const codes = await this.carriers.codesById([parcel.carrierId]);
    return toDownParcelDto(parcel, codes.get(parcel.carrierId) ?? '');
  }

  /**
   * Counts a wrong attempt on one parcel, or on every waiting parcel of a phone tail at the point,
   * flagging those that reach the limit. Returns the error to answer with.
   */
  private async countFailedAttempt(em: EntityManager, pointId: string, on: { parcelId: string } | { phoneLast4: string }): Promise<DomainError> {
    const target = 'parcelId' in on ? 'id = ?' : 'recipient_phone_last4 = ?';
    const params = [pointId, DownParcelStatus.AWAITING_PICKUP, 'parcelId' in on ? on.parcelId : on.phoneLast4];
    await em.query(`UPDATE down_parcel SET failed_pickup_attempts = failed_pickup_attempts + 1 WHERE point_id = ? AND status = ? AND ${target}`, params);
    await em.query(
      `UPDATE down_parcel SET flagged_at = ? WHERE point_id = ? AND status = ? AND ${target} AND flagged_at IS NULL AND failed_pickup_attempts >= ?`,
      [new Date(), ...params, this.config.maxPickupAttempts],
    );
    return 'parcelId' in on
      ? new RuleViolationError('PICKUP_PHONE_MISMATCH', '手机尾号与包裹不符', 'The phone tail does not match the parcel',
        [{ field: 'phoneLast4', message: '不符', messageEn: 'does not match' }])
      : wrongCode();
  }

  private async findByClientId(pointId: string, clientId: string): Promise<DownParcelDto | null> {
    const parcel = await this.dataSource.getRepository(DownParcelEntity).findOneBy({ pointId, clientId });
    return parcel ? this.toDto(parcel) : null;
  }

  private async withCarrierCodes<T extends Page<DownParcelEntity> | DownParcelEntity[]>(
    load: () => Promise<T>,
  ): Promise<T extends Page<DownParcelEntity> ? Page<DownParcelDto> : DownParcelDto[]> {
    const loaded = await load();
    const rows = Array.isArray(loaded) ? loaded : loaded.items;
    const codes = await this.carriers.codesById(rows.map((p) => p.carrierId));
    const items = rows.map((p) => toDownParcelDto(p, codes.get(p.carrierId) ?? ''));
    return (Array.isArray(loaded) ? items : { items, nextCursor: loaded.nextCursor }) as never;
  }

  private async asParcelScope<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (err) {
      if (err instanceof NotFoundError) throw parcelNotFound();
      throw err;
    }
  }
}

function wrongCode(): DomainError {
  return new RuleViolationError('PICKUP_CODE_WRONG', '取件码错误', 'Wrong pickup code',
    [{ field: 'code', message: '没有待取包裹使用此取件码', messageEn: 'no waiting parcel has this code' }]);
}

/** BIGINT ids are strings: newest (largest) first without losing precision. */
function compareIdsDesc(a: string, b: string): number {
  return a.length !== b.length ? b.length - a.length : b < a ? -1 : b > a ? 1 : 0;
}
