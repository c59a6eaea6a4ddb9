import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { ConflictError, InvalidFieldError, NotFoundError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { inTransaction } from '../database/transaction';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DownParcelsService } from './down-parcels.service';
import { CompleteDoorDeliveryDto } from './dto/complete-door-delivery.dto';
import { ListDoorDeliveriesQueryDto } from './dto/list-door-deliveries-query.dto';
import { RequestDoorDeliveryDto } from './dto/request-door-delivery.dto';
import { DoorDeliveryDto } from './dto/responses.dto';
import { DoorDeliveryEntity } from './entities/door-delivery.entity';
import { DownParcelEntity } from './entities/down-parcel.entity';
import { DoorDeliveryStatus, DownParcelStatus, PickupMethod } from './parcel.enums';

const toDto = (d: DoorDeliveryEntity): DoorDeliveryDto => ({
  id: d.id, parcelId: d.parcelId, pointId: d.pointId, reason: d.reason, address: d.address, note: d.note, status: d.status,
  requestedByUserId: d.requestedByUserId, deliveredByName: d.deliveredByName, deliveredByUserId: d.deliveredByUserId,
  deliveredAt: d.deliveredAt, createdAt: d.createdAt,
});

const notWaiting = () => new ConflictError('PARCEL_NOT_AWAITING', '包裹不在待取状态', 'The parcel is no longer waiting for pickup');

/** 送件上门: door delivery of down parcels for elderly or disabled recipients, with who delivered and when. */
@Injectable()
export class DoorDeliveriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    private readonly parcels: DownParcelsService,
    private readonly audit: AuditService,
  ) {}

  /** Asks for a parcel to be taken to the door; asking again returns the same request. */
  async request(actor: Principal, parcelId: string, dto: RequestDoorDeliveryDto): Promise<DoorDeliveryDto> {
    await this.parcels.requireParcelForAction(actor, parcelId);
    return toDto(await inTransaction(this.dataSource, async (em) => {
      const parcel = await em.getRepository(DownParcelEntity).findOneOrFail({ where: { id: parcelId }, lock: { mode: 'pessimistic_write' } });
      const repo = em.getRepository(DoorDeliveryEntity);
      const existing = await repo.findOneBy({ parcelId });
      if (existing) return existing;
      if (parcel.status !== DownParcelStatus.AWAITING_PICKUP) throw notWaiting();
      const { identifiers } = await repo.insert({
        parcelId, pointId: parcel.pointId, reason: dto.reason, address: dto.address ?? null, note: dto.note ?? null,
        status: DoorDeliveryStatus.REQUESTED, requestedByUserId: actor.id,
      });
      const created = await repo.findOneByOrFail({ id: String(identifiers[0].id) });
      await this.audit.record(em, actor, { entityType: 'door_delivery', entityId: created.id, action: 'create', after: toDto(created) });
      return created;
    }));
  }

  /** Records the delivery at the door: the parcel counts as collected (method DOOR_DELIVERY). Idempotent. */
  async complete(actor: Principal, deliveryId: string, dto: CompleteDoorDeliveryDto): Promise<DoorDeliveryDto> {
    const found = await this.dataSource.getRepository(DoorDeliveryEntity).findOneBy({ id: deliveryId });
    if (!found) throw notFound();
    try {
      await this.points.requireActivePointForAction(actor, found.pointId);
    } catch (err) {
      if (err instanceof NotFoundError) throw notFound();
      throw err;
    }
    const at = dto.deliveredAt ? new Date(dto.deliveredAt) : new Date();
    if (at.getTime() > Date.now() + 60_000) throw new InvalidFieldError('deliveredAt', '不能晚于现在', 'cannot be in the future');
    return toDto(await inTransaction(this.dataSource, async (em) => {
      const repo = em.getRepository(DoorDeliveryEntity);
      const delivery = await repo.findOneOrFail({ where: { id: deliveryId }, lock: { mode: 'pessimistic_write' } });
      if (delivery.status === DoorDeliveryStatus.DELIVERED) return delivery;
      const parcel = await em.getRepository(DownParcelEntity).findOneOrFail({ where: { id: delivery.parcelId }, lock: { mode: 'pessimistic_write' } });
      if (parcel.status !== DownParcelStatus.AWAITING_PICKUP) throw notWaiting();
      if (at < parcel.arrivedAt) throw new InvalidFieldError('deliveredAt', '不能早于到件时间', 'cannot be before the parcel arrived');
      await this.parcels.collect(em, actor, parcel, PickupMethod.DOOR_DELIVERY, {}, at);
      await repo.update({ id: deliveryId }, {
        status: DoorDeliveryStatus.DELIVERED, deliveredByName: dto.deliveredByName, deliveredByUserId: actor.id, deliveredAt: at,
      });
      const after = await repo.findOneByOrFail({ id: deliveryId });
      await this.audit.record(em, actor, { entityType: 'door_delivery', entityId: deliveryId, action: 'deliver', before: toDto(delivery), after: toDto(after) });
      return after;
    }));
  }

  async list(actor: Principal, pointId: string, query: ListDoorDeliveriesQueryDto): Promise<Page<DoorDeliveryDto>> {
    await this.points.requireVisiblePoint(actor, pointId);
    const qb = this.dataSource.getRepository(DoorDeliveryEntity).createQueryBuilder('d').where('d.point_id = :pointId', { pointId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    return paginate(qb, 'd.id', query, toDto);
  }
}

function notFound() {
  return new NotFoundError('送件上门请求', 'Door delivery', 'DOOR_DELIVERY_NOT_FOUND');
}
