import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { businessDay, businessDayRange } from '../common/business-day';
import { NotFoundError } from '../common/errors/domain-error';
import { parcelsConfig } from '../config/parcels.config';
import { replicaQuery } from '../database/read-replica';
import { aggregateToNumber } from '../database/transformers/bigint.transformer';
import { CommercePointsService } from '../organization/commerce-points.service';
import { RegionEntity } from '../organization/region.entity';
import { PointCountsQueryDto } from './dto/point-counts-query.dto';
import { RegionCountsQueryDto, ReportPeriod } from './dto/region-counts-query.dto';
import {
  CarrierCountDto, CountTotalsDto, PointDailyCountDto, PointParcelStatsDto, RegionCountsDto, RegionPeriodCountDto,
} from './dto/responses.dto';
import { CountPeriod, DownParcelStatus, ParcelDirection } from './parcel.enums';

/** One counted event (or a group of them): which counter and by how much. */
export type CountDelta = {
  carrierId: string;
  /** Asia/Shanghai business day 'YYYY-MM-DD' of the event. */
  day: string;
  direction: ParcelDirection;
  received?: number;
  collected?: number;
  returned?: number;
  sent?: number;
  pickupWaitSeconds?: number;
};

export type CountedPoint = { id: string; companyId: string; regionPath: string };

const COUNT_COLUMNS = ['received', 'collected', 'returned', 'sent', 'pickup_wait_seconds'] as const;
const ON_DUPLICATE = COUNT_COLUMNS.map((c) => `${c} = ${c} + VALUES(${c})`).join(', ');

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const yearStart = (day: string) => `${day.slice(0, 4)}-01-01`;
const regionIdsOf = (path: string) => path.split('/').filter(Boolean);

/**
 * Parcel counters: per point × carrier × day × direction, and rolled up to every region above the
 * point per day, month and year. `bump` runs inside the transaction of the event it counts, so the
 * figures are exactly the parcel tables' recount; a bulk import bumps once per (carrier, day) group.
 */
@Injectable()
export class ParcelCountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    @Inject(parcelsConfig.KEY) private readonly config: ConfigType<typeof parcelsConfig>,
  ) {}

  async bump(em: EntityManager, point: CountedPoint, deltas: CountDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const values = (d: CountDelta) => [d.received ?? 0, d.collected ?? 0, d.returned ?? 0, d.sent ?? 0, d.pickupWaitSeconds ?? 0];
    const sorted = [...deltas].sort((a, b) => `${a.carrierId}|${a.day}|${a.direction}`.localeCompare(`${b.carrierId}|${b.day}|${b.direction}`));

    await em.query(
      `INSERT INTO parcel_daily_count (point_id, carrier_id, business_day, direction, ${COUNT_COLUMNS.join(', ')})
       VALUES ${sorted.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE ${ON_DUPLICATE}`,
      sorted.flatMap((d) => [point.id, d.carrierId, d.day, d.direction, ...values(d)]),
    );

    // Every region above the point, each period; rows in one fixed order so concurrent events lock alike.
    const regionRows: unknown[][] = [];
    for (const regionId of regionIdsOf(point.regionPath).sort((a, b) => Number(a) - Number(b))) {
      for (const [period, start] of [[CountPeriod.DAY, (d: string) => d], [CountPeriod.MONTH, monthStart], [CountPeriod.YEAR, yearStart]] as const) {
        for (const d of sorted) regionRows.push([point.companyId, regionId, period, start(d.day), d.carrierId, d.direction, ...values(d)]);
      }
    }
    await em.query(
      `INSERT INTO parcel_region_count (company_id, region_id, period, period_start, carrier_id, direction, ${COUNT_COLUMNS.join(', ')})
       VALUES ${regionRows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE ${ON_DUPLICATE}`,
      regionRows.flat(),
    );
  }

  /** A point's daily counters per carrier and direction over [from, to] (a report: replica when configured). */
  async pointDaily(actor: Principal, pointId: string, query: PointCountsQueryDto): Promise<PointDailyCountDto[]> {
    await this.points.requireVisiblePoint(actor, pointId);
    const rows: Array<Record<string, unknown>> = await replicaQuery(this.dataSource,
      `SELECT DATE_FORMAT(d.business_day, '%Y-%m-%d') AS day, c.code AS carrier_code, d.direction,
              d.received, d.collected, d.returned, d.sent, d.pickup_wait_seconds
         FROM parcel_daily_count d JOIN carrier c ON c.id = d.carrier_id
        WHERE d.point_id = ? AND d.business_day BETWEEN ? AND ?
        ORDER BY d.business_day, c.code, d.direction`,
      [pointId, query.from, query.to],
    );
    return rows.map((r) => ({
      day: String(r.day), carrierCode: String(r.carrier_code), direction: r.direction as ParcelDirection,
      received: aggregateToNumber(r.received), collected: aggregateToNumber(r.collected), returned: aggregateToNumber(r.returned),
      sent: aggregateToNumber(r.sent),
      averagePickupMinutes: averageMinutes(aggregateToNumber(r.pickup_wait_seconds), aggregateToNumber(r.collected)),
    }));
  }

  /** What is on the point's shelves now, overdue and flagged, and the average wait over the last 30 days. */
  async pointStats(actor: Principal, pointId: string, now = new Date()): Promise<PointParcelStatsDto> {
    await this.points.requireVisiblePoint(actor, pointId);
    const overdueBefore = new Date(now.getTime() - this.config.remindAfterDays * 86_400_000);
    const returnBefore = new Date(now.getTime() - this.config.returnAfterDays * 86_400_000);
    const [shelf] = await this.dataSource.query(
      `SELECT COUNT(*) AS awaiting, COALESCE(SUM(arrived_at < ?), 0) AS overdue, COALESCE(SUM(arrived_at < ?), 0) AS due_for_return,
              COALESCE(SUM(flagged_at IS NOT NULL), 0) AS flagged
         FROM down_parcel WHERE point_id = ? AND status = ?`,
      [overdueBefore, returnBefore, pointId, DownParcelStatus.AWAITING_PICKUP],
    );
    const from = new Date(businessDayRange(businessDay(now)).start.getTime() - 29 * 86_400_000);
    const [wait] = await this.dataSource.query(
      `SELECT COALESCE(SUM(collected), 0) AS collected, COALESCE(SUM(pickup_wait_seconds), 0) AS wait
         FROM parcel_daily_count WHERE point_id = ? AND direction = ? AND business_day >= ?`,
      [pointId, ParcelDirection.DOWN, businessDay(from)],
    );
    return {
      pointId,
      awaitingPickup: aggregateToNumber(shelf.awaiting),
      overdue: aggregateToNumber(shelf.overdue),
      dueForReturn: aggregateToNumber(shelf.due_for_return),
      flagged: aggregateToNumber(shelf.flagged),
      collectedLast30Days: aggregateToNumber(wait.collected),
      averagePickupMinutesLast30Days: averageMinutes(aggregateToNumber(wait.wait), aggregateToNumber(wait.collected)),
      remindAfterDays: this.config.remindAfterDays,
      returnAfterDays: this.config.returnAfterDays,
    };
  }

  /**
   * Township / county / city figures by day, month or year, with the up share (上行占比 = sent ÷
   * (received + sent)): the figure reported to the county. Reads the region roll-up only.
   */
  async regionReport(actor: Principal, regionId: string, query: RegionCountsQueryDto): Promise<RegionCountsDto> {
    const region = await this.dataSource.getRepository(RegionEntity).findOneBy({ id: regionId });
    const visible = region && (actor.role === Role.ADMIN
      || (actor.role === Role.REGION_MANAGER && !!actor.regionPath && region.path.startsWith(actor.regionPath)));
    if (!region || !visible) throw new NotFoundError('区划', 'Region', 'REGION_NOT_FOUND');
    const period = PERIOD_CODES[query.period ?? ReportPeriod.MONTH];
    const from = periodStartOf(period, query.from);
    const rows: Array<Record<string, unknown>> = await replicaQuery(this.dataSource,
      `SELECT DATE_FORMAT(r.period_start, '%Y-%m-%d') AS period_start, c.code AS carrier_code,
              SUM(r.received) AS received, SUM(r.collected) AS collected, SUM(r.returned) AS returned, SUM(r.sent) AS sent,
              SUM(r.pickup_wait_seconds) AS wait
         FROM parcel_region_count r JOIN carrier c ON c.id = r.carrier_id
        WHERE r.company_id = ? AND r.region_id = ? AND r.period = ? AND r.period_start BETWEEN ? AND ?
        GROUP BY r.period_start, c.code
        ORDER BY r.period_start, c.code`,
      [actor.companyId, regionId, period, from, query.to],
    );
    const byPeriod = new Map<string, Accumulator & { byCarrier: CarrierCountDto[] }>();
    const totals = emptyCounts();
    for (const r of rows) {
      const start = String(r.period_start);
      const entry = byPeriod.get(start) ?? { ...emptyCounts(), byCarrier: [] };
      const counts = {
        received: aggregateToNumber(r.received), collected: aggregateToNumber(r.collected),
        returned: aggregateToNumber(r.returned), sent: aggregateToNumber(r.sent),
      };
      const waitSeconds = aggregateToNumber(r.wait);
      addCounts(entry, counts, waitSeconds);
      addCounts(totals, counts, waitSeconds);
      entry.byCarrier.push({ carrierCode: String(r.carrier_code), ...counts });
      byPeriod.set(start, entry);
    }
    return {
      regionId, regionName: region.name, regionLevel: region.level, period: query.period ?? ReportPeriod.MONTH,
      from, to: query.to,
      periods: [...byPeriod.entries()].map(([periodStart, e]): RegionPeriodCountDto => ({ periodStart, ...totalsOf(e), byCarrier: e.byCarrier })),
      total: totalsOf(totals),
    };
  }
}

const PERIOD_CODES: Record<ReportPeriod, CountPeriod> = {
  [ReportPeriod.DAY]: CountPeriod.DAY, [ReportPeriod.MONTH]: CountPeriod.MONTH, [ReportPeriod.YEAR]: CountPeriod.YEAR,
};

function periodStartOf(period: CountPeriod, day: string): string {
  return period === CountPeriod.DAY ? day : period === CountPeriod.MONTH ? monthStart(day) : yearStart(day);
}

type Counts = { received: number; collected: number; returned: number; sent: number };
type Accumulator = Counts & { waitSeconds: number };

function emptyCounts(): Accumulator {
  return { received: 0, collected: 0, returned: 0, sent: 0, waitSeconds: 0 };
}

function addCounts(target: Accumulator, c: Counts, waitSeconds: number): void {
  target.received += c.received;
  target.collected += c.collected;
  target.returned += c.returned;
  target.sent += c.sent;
  target.waitSeconds += waitSeconds;
}

function totalsOf(a: Accumulator): CountTotalsDto {
  return {
    received: a.received, collected: a.collected, returned: a.returned, sent: a.sent,
    upSharePercent: upSharePercent(a.received, a.sent), averagePickupMinutes: averageMinutes(a.waitSeconds, a.collected),
  };
}

/** 上行占比 in percent with two decimals; null when nothing moved. */
export function upSharePercent(received: number, sent: number): number | null {
  const total = received + sent;
  return total === 0 ? null : Math.round((sent * 10_000) / total) / 100;
}

function averageMinutes(waitSeconds: number, collected: number): number | null {
  return collected === 0 ? null : Math.round(waitSeconds / collected / 60);
}
