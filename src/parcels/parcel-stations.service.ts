import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { RuleViolationError } from '../common/errors/domain-error';
import { parcelsConfig } from '../config/parcels.config';
import { CommercePointsService } from '../organization/commerce-points.service';
import { ParcelStationDto } from './dto/responses.dto';
import { UpdateParcelStationDto } from './dto/update-parcel-station.dto';
import { ParcelStationEntity } from './entities/parcel-station.entity';
import { allocatePickupCodes, pickupCodeCapacity, ShelfLayout } from './pickup-code';

/** A point's parcel shelves and the allocation of pickup codes from its counter. */
@Injectable()
export class ParcelStationsService {
  /** Points whose station row is known to exist (rows are never deleted). */
  private readonly known = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    private readonly audit: AuditService,
    @Inject(parcelsConfig.KEY) private readonly config: ConfigType<typeof parcelsConfig>,
  ) {}

  async get(actor: Principal, pointId: string): Promise<ParcelStationDto> {
    await this.points.requireVisiblePoint(actor, pointId);
    await this.ensureStation(pointId);
    return toStationDto(await this.dataSource.getRepository(ParcelStationEntity).findOneByOrFail({ pointId }));
  }

  /**
   * Changes the shelf layout. Codes already on parcels stay as they are; new codes follow the new
   * layout and skip any code still held by an uncollected parcel.
   */
  async update(actor: Principal, pointId: string, dto: UpdateParcelStationDto): Promise<ParcelStationDto> {
    await this.points.requireActivePointForAction(actor, pointId);
    await this.ensureStation(pointId);
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ParcelStationEntity);
      const before = await repo.findOneOrFail({ where: { pointId }, lock: { mode: 'pessimistic_write' } });
      await repo.update({ pointId }, { shelfCount: dto.shelfCount, layerCount: dto.layerCount });
      const after = await repo.findOneByOrFail({ pointId });
      await this.audit.record(em, actor, { entityType: 'parcel_station', entityId: pointId, action: 'update', before: toStationDto(before), after: toStationDto(after) });
      return toStationDto(after);
    });
  }

  /** Creates the point's station row with the default layout if missing; call OUTSIDE the arrival transaction. */
  async ensureStation(pointId: string): Promise<void> {
    if (this.known.has(pointId)) return;
    await this.dataSource.query(
      'INSERT IGNORE INTO parcel_station (point_id, shelf_count, layer_count, next_pickup_no) VALUES (?, ?, ?, 0)',
      [pointId, this.config.defaultShelves, this.config.defaultLayers],
    );
    this.known.add(pointId);
  }

  /**
   * Takes `count` pickup codes for arrivals at the point, inside the arrival transaction. Locks the
   * point's counter row FOR UPDATE (one lock for a whole manifest), so concurrent arrivals at a
   * point queue here and never draw the same code; the unique index on open codes backs this up.
   * Must be the transaction's first read, so the list of codes on the shelf read next is current.
   */
  async allocate(em: EntityManager, pointId: string, count: number): Promise<string[]> {
    const [station] = await em.query(
      'SELECT shelf_count, layer_count, next_pickup_no FROM parcel_station WHERE point_id = ? FOR UPDATE', [pointId],
    );
    const layout: ShelfLayout = { shelfCount: Number(station.shelf_count), layerCount: Number(station.layer_count) };
    const onShelf: Array<{ code: string }> = await em.query(
      'SELECT open_pickup_code AS code FROM down_parcel WHERE point_id = ? AND open_pickup_code IS NOT NULL', [pointId],
    );
    const result = allocatePickupCodes(Number(station.next_pickup_no), count, layout, new Set(onShelf.map((r) => r.code)));
    if (!result) {
      throw new RuleViolationError('SHELVES_FULL', '货架取件码已用完，请增加货架或先处理待取件',
        `No free pickup code: ${onShelf.length} parcels on the shelves of a ${pickupCodeCapacity(layout)}-code layout`);
    }
    await em.query('UPDATE parcel_station SET next_pickup_no = ? WHERE point_id = ?', [result.next, pointId]);
    return result.codes;
  }
}

const toStationDto = (s: ParcelStationEntity): ParcelStationDto => ({
  pointId: s.pointId, shelfCount: s.shelfCount, layerCount: s.layerCount, codeCapacity: pickupCodeCapacity(s),
});
