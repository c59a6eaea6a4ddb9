import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { parse } from 'csv-parse/sync';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { businessDay } from '../common/business-day';
import { ConflictError, ErrorDetail, InvalidFieldError, RuleViolationError } from '../common/errors/domain-error';
import { MOBILE_PHONE } from '../common/validation';
import { parcelsConfig } from '../config/parcels.config';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { CommercePointsService } from '../organization/commerce-points.service';
import { OutboxService } from '../outbox/outbox.service';
import { CarriersService } from './carriers.service';
import { arrivedEvent } from './down-parcels.service';
import { ManifestAlreadyRegisteredDto, ManifestResultDto, ManifestRowErrorDto } from './dto/responses.dto';
import { CarrierEntity } from './entities/carrier.entity';
import { ParcelManifestEntity } from './entities/parcel-manifest.entity';
import { FARMER_PHONE_LOOKUP, FarmerPhoneLookup } from './farmer-phone-lookup';
import { ParcelCountsService } from './parcel-counts.service';
import { ArrivalSource, DownParcelStatus, ManifestMode, ParcelDirection } from './parcel.enums';
import { ParcelStationsService } from './parcel-stations.service';
import { normalizeWaybill, WAYBILL, waybillHintWarning } from './waybill';

export const MANIFEST_COLUMNS = ['waybill', 'carrier', 'recipient_name', 'recipient_phone', 'weight_g'] as const;
type ManifestRecord = Record<(typeof MANIFEST_COLUMNS)[number], string | undefined>;

/** A manifest row that passed validation. */
type GoodRow = {
  line: number; waybillNo: string; carrier: CarrierEntity; recipientName: string; recipientPhone: string; weightG: number | null;
};

/** Rows per multi-row INSERT / IN list: large enough to amortise round trips, small enough for max_allowed_packet. */
const CHUNK = 2_000;
const MAX_REPORTED_ERRORS = 1_000;

const rowError = (line: number, field: string, message: string, messageEn: string, waybillNo?: string): ManifestRowErrorDto =>
  ({ line, field, message: `第${line}行 ${field}：${message}`, messageEn: `line ${line} ${field}: ${messageEn}`, ...(waybillNo ? { waybillNo } : {}) });

/**
 * Bulk arrival manifests (CSV from a carrier or the county co-delivery van). Every row is validated
 * first; then the good rows go in with multi-row INSERTs in one transaction, pickup codes reserved as
 * one range and counters bumped once per carrier. Rows whose waybill is already registered are
 * reported, never duplicated, so importing the same file again changes nothing.
 */
@Injectable()
export class ParcelManifestsService {
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

  async import(actor: Principal, pointId: string, csv: unknown, mode = ManifestMode.ALL_OR_NOTHING): Promise<ManifestResultDto> {
    const point = await this.points.requireActivePointForAction(actor, pointId);
    const records = this.parse(csv);
    const usable = await this.carriers.usableAtPoint(this.dataSource.manager, pointId);
    const { good, rejected, warnings } = validateRows(records, usable);
    const { fresh, alreadyRegistered } = await this.splitRegistered(good);
    const freshLines = new Set(fresh.map((r) => r.line));
    const result = (importedCount: number, manifestId: string | null): ManifestResultDto => ({
      manifestId, mode, rowCount: records.length, importedCount, alreadyRegisteredCount: alreadyRegistered.length,
      rejectedCount: rejected.length, rejected: rejected.slice(0, MAX_REPORTED_ERRORS), alreadyRegistered: alreadyRegistered.slice(0, MAX_REPORTED_ERRORS),
      warnings: warnings.filter((w) => freshLines.has(w.line)).slice(0, MAX_REPORTED_ERRORS),
    });
    if (rejected.length > 0 && mode === ManifestMode.ALL_OR_NOTHING) {
      throw new RuleViolationError('MANIFEST_REJECTED',
        `清单有 ${rejected.length} 行错误，未导入任何包裹（可用 mode=good_rows 只导入正确的行）`,
        `${rejected.length} manifest row(s) are invalid; nothing was imported (mode=good_rows imports the valid rows only)`,
        rejected.slice(0, MAX_REPORTED_ERRORS).map((r): ErrorDetail => ({ field: `rows.${r.line}.${r.field}`, message: r.message, messageEn: r.messageEn })));
    }
    if (fresh.length === 0) return result(0, null);

    const phones = [...new Set(fresh.map((r) => r.recipientPhone))];
    const farmerIds = await this.farmers.findIdsByPhones(point.companyId, phones);
    await this.stations.ensureStation(pointId);
    try {
      const manifestId = await inTransaction(this.dataSource, async (em) => {
        const codes = await this.stations.allocate(em, pointId, fresh.length);
        const now = new Date();
        const { identifiers } = await em.getRepository(ParcelManifestEntity).insert({
          pointId, mode, rowCount: records.length, importedCount: fresh.length, alreadyRegisteredCount: alreadyRegistered.length,
          rejectedCount: rejected.length, uploadedByUserId: actor.id,
        });
        const id = String(identifiers[0].id);
        for (let i = 0; i < fresh.length; i += CHUNK) {
          const chunk = fresh.slice(i, i + CHUNK);
          const chunkCodes = codes.slice(i, i + CHUNK);
          await insertParcels(em, chunk.map((r, j) => ({
            ...r, pointId, pickupCode: chunkCodes[j], farmerId: farmerIds.get(r.recipientPhone) ?? null, manifestId: id, arrivedAt: now, userId: actor.id,
          })));
          const ids = await idsByOpenCode(em, pointId, chunkCodes);
          await this.outbox.publish(em, ...chunk.map((r, j) => arrivedEvent({
            id: ids.get(chunkCodes[j]) as string, pointId, carrierCode: r.carrier.code, waybillNo: r.waybillNo, pickupCode: chunkCodes[j],
            recipientPhone: r.recipientPhone, recipientName: r.recipientName, recipientFarmerId: farmerIds.get(r.recipientPhone) ?? null, arrivedAt: now,
          })));
        }
        const perCarrier = new Map<string, number>();
        for (const r of fresh) perCarrier.set(r.carrier.id, (perCarrier.get(r.carrier.id) ?? 0) + 1);
        const day = businessDay(now);
        await this.counts.bump(em, point, [...perCarrier].map(([carrierId, n]) => ({ carrierId, day, direction: ParcelDirection.DOWN, received: n })));
        await this.audit.record(em, actor, {
          entityType: 'parcel_manifest', entityId: id, action: 'import',
          after: { mode, rowCount: records.length, importedCount: fresh.length, alreadyRegisteredCount: alreadyRegistered.length, rejectedCount: rejected.length },
        });
        return id;
      });
      return result(fresh.length, manifestId);
    } catch (err) {
      if (isDuplicateKeyError(err)) {
        throw new ConflictError('MANIFEST_CONFLICT', '有运单在导入期间被他人登记，请重新导入（已登记的行会被跳过）',
          'Some waybills were registered concurrently; import again (registered rows are skipped)');
      }
      throw err;
    }
  }

  private parse(csv: unknown): ManifestRecord[] & { lines?: number[] } {
    if (typeof csv !== 'string' || csv.trim() === '') {
      throw new InvalidFieldError('body', '请以 text/csv 上传清单', 'send the manifest as a text/csv body', 'MANIFEST_EMPTY');
    }
    let parsed: Array<{ record: ManifestRecord; info: { lines: number } }>;
    try {
      parsed = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true });
    } catch (err) {
      throw new InvalidFieldError('body', `CSV 格式错误：${(err as Error).message}`, `malformed CSV: ${(err as Error).message}`, 'MANIFEST_MALFORMED');
    }
    const header = parsed.length > 0 ? Object.keys(parsed[0].record) : [];
    const missing = MANIFEST_COLUMNS.filter((c) => parsed.length > 0 && !header.includes(c));
    if (missing.length > 0) {
      throw new InvalidFieldError('header', `缺少列 ${missing.join(', ')}（表头应为 ${MANIFEST_COLUMNS.join(',')}）`,
        `missing column(s) ${missing.join(', ')} (header must be ${MANIFEST_COLUMNS.join(',')})`, 'MANIFEST_BAD_HEADER');
    }
    if (parsed.length > this.config.manifestMaxRows) {
      throw new RuleViolationError('MANIFEST_TOO_LARGE', `清单超过 ${this.config.manifestMaxRows} 行，请分批上传`,
        `The manifest has more than ${this.config.manifestMaxRows} rows; upload it in parts`);
    }
    const records = parsed.map((p) => p.record) as ManifestRecord[] & { lines?: number[] };
    records.lines = parsed.map((p) => p.info.lines);
    return records;
  }

  /** Splits valid rows into new ones and ones whose (carrier, waybill) is already registered and not returned. */
  private async splitRegistered(rows: GoodRow[]): Promise<{ fresh: GoodRow[]; alreadyRegistered: ManifestAlreadyRegisteredDto[] }> {
    const byCarrier = new Map<string, GoodRow[]>();
    for (const r of rows) {
      const list = byCarrier.get(r.carrier.id) ?? [];
      list.push(r);
      byCarrier.set(r.carrier.id, list);
    }
    const existing = new Map<string, string>();
    for (const [carrierId, carrierRows] of byCarrier) {
      for (let i = 0; i < carrierRows.length; i += CHUNK) {
        const waybills = carrierRows.slice(i, i + CHUNK).map((r) => r.waybillNo);
        const found: Array<{ id: string; waybill: string }> = await this.dataSource.query(
          `SELECT id, unreturned_waybill AS waybill FROM down_parcel WHERE carrier_id = ? AND unreturned_waybill IN (${waybills.map(() => '?').join(',')})`,
          [carrierId, ...waybills],
        );
        for (const f of found) existing.set(`${carrierId}:${f.waybill}`, String(f.id));
      }
    }
    const fresh: GoodRow[] = [];
    const alreadyRegistered: ManifestAlreadyRegisteredDto[] = [];
    for (const r of rows) {
      const parcelId = existing.get(`${r.carrier.id}:${r.waybillNo}`);
      if (parcelId) alreadyRegistered.push({ line: r.line, waybillNo: r.waybillNo, carrierCode: r.carrier.code, parcelId });
      else fresh.push(r);
    }
    return { fresh, alreadyRegistered };
  }
}

/** Checks every row and reports each problem with its CSV line number (the header is line 1). */
export function validateRows(
  records: ManifestRecord[] & { lines?: number[] }, usable: Map<string, CarrierEntity>,
): { good: GoodRow[]; rejected: ManifestRowErrorDto[]; warnings: ManifestRowErrorDto[] } {
  const good: GoodRow[] = [];
  const rejected: ManifestRowErrorDto[] = [];
  const warnings: ManifestRowErrorDto[] = [];
  const seen = new Map<string, number>();
  records.forEach((rec, index) => {
    const line = records.lines?.[index] ?? index + 2;
    const errors: ManifestRowErrorDto[] = [];
    const waybillNo = normalizeWaybill(rec.waybill ?? '');
    if (!WAYBILL.test(waybillNo)) errors.push(rowError(line, 'waybill', '运单号须为 8–20 位字母或数字', 'must be 8–20 letters and digits', waybillNo || undefined));
    const carrierKey = (rec.carrier ?? '').trim();
    const carrier = usable.get(carrierKey.toUpperCase()) ?? usable.get(carrierKey);
    if (!carrier) errors.push(rowError(line, 'carrier', `承运商「${carrierKey}」未知或在此服务点未启用`, `carrier "${carrierKey}" is unknown or not active at this point`, waybillNo));
    const recipientName = (rec.recipient_name ?? '').trim();
    if (recipientName.length < 1 || recipientName.length > 50) errors.push(rowError(line, 'recipient_name', '收件人姓名须为 1–50 个字', 'must be 1–50 characters', waybillNo));
    const recipientPhone = (rec.recipient_phone ?? '').replace(/[\s-]/g, '');
    if (!MOBILE_PHONE.test(recipientPhone)) errors.push(rowError(line, 'recipient_phone', '不是有效的手机号', 'is not a valid mobile number', waybillNo));
    const weightRaw = (rec.weight_g ?? '').trim();
    const weightG = weightRaw === '' ? null : Number(weightRaw);
    if (weightG !== null && (!Number.isSafeInteger(weightG) || weightG < 1 || weightG > 1_000_000)) {
      errors.push(rowError(line, 'weight_g', '重量须为 1–1000000 的整数克', 'must be whole grams from 1 to 1,000,000', waybillNo));
    }
    if (carrier && WAYBILL.test(waybillNo)) {
      const key = `${carrier.id}:${waybillNo}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push(rowError(line, 'waybill', `与第${first}行重复`, `duplicates line ${first}`, waybillNo));
      else seen.set(key, line);
    }
    if (errors.length > 0) {
      rejected.push(...errors);
      return;
    }
    const hint = waybillHintWarning(carrier as CarrierEntity, waybillNo);
    if (hint) warnings.push(rowError(line, 'waybill', hint.message, hint.messageEn, waybillNo));
    good.push({ line, waybillNo, carrier: carrier as CarrierEntity, recipientName, recipientPhone, weightG });
  });
  return { good, rejected, warnings };
}

type NewParcelRow = GoodRow & { pointId: string; pickupCode: string; farmerId: string | null; manifestId: string; arrivedAt: Date; userId: string };

/** One multi-row INSERT for a chunk of manifest rows. */
async function insertParcels(em: EntityManager, rows: NewParcelRow[]): Promise<void> {
  const columns = [
    'point_id', 'carrier_id', 'waybill_no', 'unreturned_waybill', 'recipient_name', 'recipient_phone', 'recipient_phone_last4',
    'recipient_farmer_id', 'weight_g', 'pickup_code', 'open_pickup_code', 'status', 'source', 'manifest_id', 'arrived_at', 'registered_by_user_id',
  ];
  // `VALUES ?` with nested arrays: the driver formats the rows in one pass.
  await em.query(`INSERT INTO down_parcel (${columns.join(', ')}) VALUES ?`, [rows.map((r) => [
    r.pointId, r.carrier.id, r.waybillNo, r.waybillNo, r.recipientName, r.recipientPhone, r.recipientPhone.slice(-4),
    r.farmerId, r.weightG, r.pickupCode, r.pickupCode, DownParcelStatus.AWAITING_PICKUP, ArrivalSource.MANIFEST, r.manifestId, r.arrivedAt, r.userId,
  ])]);
}

/** Ids of freshly inserted parcels by their (unique, open) pickup codes; ids of a multi-row INSERT need not be consecutive. */
async function idsByOpenCode(em: EntityManager, pointId: string, codes: string[]): Promise<Map<string, string>> {
  const rows: Array<{ id: string; code: string }> = await em.query(
    `SELECT id, open_pickup_code AS code FROM down_parcel WHERE point_id = ? AND open_pickup_code IN (${codes.map(() => '?').join(',')})`,
    [pointId, ...codes],
  );
  return new Map(rows.map((r) => [r.code, String(r.id)]));
}
