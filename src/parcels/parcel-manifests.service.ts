import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { businessDay } from '../common/business-day';
import { ConflictError, ErrorDetail, InvalidFieldError, RuleViolationError } from '../common/errors/domain-error';
import { MOBILE_PHONE } from '../common/validation';
import { parcelsConfig } from '../config/parcels.config';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { CommercePointEntity } from '../organization/commerce-point.entity';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DomainEvent, OutboxService } from '../outbox/outbox.service';
import { CarriersService } from './carriers.service';
import { ManifestAlreadyRegisteredDto, ManifestResultDto, ManifestRowErrorDto } from './dto/responses.dto';
import { CarrierEntity } from './entities/carrier.entity';
import { ParcelManifestEntity } from './entities/parcel-manifest.entity';
import { FARMER_PHONE_LOOKUP, FarmerPhoneLookup } from './farmer-phone-lookup';
import { columnPositions, CsvTable, parseManifestCsv } from './manifest-csv';
import { ParcelCountsService } from './parcel-counts.service';
import { ArrivalSource, DownParcelStatus, ManifestArrivedPayload, ManifestMode, PARCEL_EVENTS, ParcelDirection } from './parcel.enums';
import { ParcelStationsService } from './parcel-stations.service';
import { normalizeWaybill, WAYBILL, waybillHintMismatch } from './waybill';

export const MANIFEST_COLUMNS = ['waybill', 'carrier', 'recipient_name', 'recipient_phone', 'weight_g'] as const;

/** A manifest row that passed validation. */
type GoodRow = {
  line: number; waybillNo: string; carrier: CarrierEntity; recipientName: string; recipientPhone: string; weightG: number | null;
  /** The waybill does not match the carrier's hint: imported, with a warning. */
  hintMismatch: boolean;
};

/**
 * Rows per multi-row INSERT / IN list: as many as the bare baseline's statements (5,000), about 1 MB
 * a statement, well inside max_allowed_packet.
 */
const CHUNK = 5_000;
const MAX_REPORTED_ERRORS = 1_000;

const rowError = (line: number, field: string, message: string, messageEn: string, waybillNo?: string): ManifestRowErrorDto =>
  ({ line, field, message: `第${line}行 ${field}：${message}`, messageEn: `line ${line} ${field}: ${messageEn}`, ...(waybillNo ? { waybillNo } : {}) });

/**
 * Bulk arrival manifests (CSV from a carrier or the county co-delivery van). Every row is validated
 * first; then the good rows go in with multi-row INSERTs in one transaction, pickup codes reserved as
 * one range, counters bumped once per carrier and one `parcel.manifest_arrived` event that the
 * notifications consumer turns into each parcel's SMS. Rows whose waybill is already registered are
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
    const table = this.parse(csv);
    const usable = await this.carriers.usableAtPoint(this.dataSource.manager, pointId);
    const { good, rejected } = validateRows(table, usable);
    const rowCount = table.rows.length;
    const result = (fresh: GoodRow[], alreadyRegistered: ManifestAlreadyRegisteredDto[], manifestId: string | null): ManifestResultDto => ({
      manifestId, mode, rowCount, importedCount: manifestId ? fresh.length : 0, alreadyRegisteredCount: alreadyRegistered.length,
      rejectedCount: rejected.length, rejected: rejected.slice(0, MAX_REPORTED_ERRORS), alreadyRegistered: alreadyRegistered.slice(0, MAX_REPORTED_ERRORS),
      warnings: manifestId ? hintWarnings(fresh, MAX_REPORTED_ERRORS) : [],
    });
    if (rejected.length > 0 && mode === ManifestMode.ALL_OR_NOTHING) {
      throw new RuleViolationError('MANIFEST_REJECTED',
        `清单有 ${rejected.length} 行错误，未导入任何包裹（可用 mode=good_rows 只导入正确的行）`,
        `${rejected.length} manifest row(s) are invalid; nothing was imported (mode=good_rows imports the valid rows only)`,
        rejected.slice(0, MAX_REPORTED_ERRORS).map((r): ErrorDetail => ({ field: `rows.${r.line}.${r.field}`, message: r.message, messageEn: r.messageEn })));
    }
    if (good.length === 0) return result([], [], null);

    // Farmers are looked up once, for the rows about to be written (a re-sent file needs none).
    let farmerIds: Map<string, string> | null = null;
    const write = async (fresh: GoodRow[], alreadyRegisteredCount: number) => {
      farmerIds ??= await this.farmerIdsByPhone(point.companyId, fresh);
      return this.write(actor, point, mode, { rowCount, rejectedCount: rejected.length, alreadyRegisteredCount }, fresh, farmerIds);
    };
    await this.stations.ensureStation(pointId);
    // Most manifests are new. Then the unique (carrier, unreturned waybill) index is the
    // already-registered check, done by the INSERTs themselves, and looking every waybill up first
    // would only do it twice. A re-sent file is recognised by its first row and looked up at once;
    // a file registered only in part fails on the index, rolls back and goes the looked-up way.
    if (!(await this.anyRegistered([good[0]]))) {
      try {
        return result(good, [], await write(good, 0));
      } catch (err) {
        if (!isWaybillTaken(err)) throw asManifestConflict(err);
      }
    }
    const { fresh, alreadyRegistered } = await this.splitRegistered(good);
    if (fresh.length === 0) return result(fresh, alreadyRegistered, null);
    try {
      return result(fresh, alreadyRegistered, await write(fresh, alreadyRegistered.length));
    } catch (err) {
      throw asManifestConflict(err);
    }
  }

  /**
   * One transaction: the codes as one range under one lock, the manifest row, the parcels in
   * multi-row INSERTs, one arrival event, the counters once per carrier, the audit entry.
   */
  private async write(
    actor: Principal, point: CommercePointEntity, mode: ManifestMode, counts: { rowCount: number; rejectedCount: number; alreadyRegisteredCount: number },
    fresh: GoodRow[], farmerIds: Map<string, string>,
  ): Promise<string> {
    const pointId = point.id;
    return inTransaction(this.dataSource, async (em) => {
      const codes = await this.stations.allocate(em, pointId, fresh.length);
      const now = new Date();
      const summary = { mode, ...counts, importedCount: fresh.length };
      const { identifiers } = await em.getRepository(ParcelManifestEntity).insert({ pointId, ...summary, uploadedByUserId: actor.id });
      const id = String(identifiers[0].id);
      let firstParcelId: string | null = null;
      for (let i = 0; i < fresh.length; i += CHUNK) {
        const inserted = await insertParcels(em, fresh, i, Math.min(fresh.length, i + CHUNK), codes, farmerIds, { pointId, manifestId: id, arrivedAt: now, userId: actor.id });
        firstParcelId ??= inserted;
      }
      await this.outbox.publish(em, manifestArrivedEvent({
        manifestId: id, pointId, firstParcelId: firstParcelId as string, parcelCount: fresh.length, arrivedAt: now.toISOString(),
      }));
      const perCarrier = new Map<string, number>();
      for (const r of fresh) perCarrier.set(r.carrier.id, (perCarrier.get(r.carrier.id) ?? 0) + 1);
      const day = businessDay(now);
      await this.counts.bump(em, point, [...perCarrier].map(([carrierId, n]) => ({ carrierId, day, direction: ParcelDirection.DOWN, received: n })));
      await this.audit.record(em, actor, { entityType: 'parcel_manifest', entityId: id, action: 'import', after: summary });
      return id;
    });
  }

  private parse(csv: unknown): CsvTable {
    if (typeof csv !== 'string' || csv.trim() === '') {
      throw new InvalidFieldError('body', '请以 text/csv 上传清单', 'send the manifest as a text/csv body', 'MANIFEST_EMPTY');
    }
    let table: CsvTable;
    try {
      table = parseManifestCsv(csv);
    } catch (err) {
      throw new InvalidFieldError('body', `CSV 格式错误：${(err as Error).message}`, `malformed CSV: ${(err as Error).message}`, 'MANIFEST_MALFORMED');
    }
    const missing = MANIFEST_COLUMNS.filter((c) => table.rows.length > 0 && !table.header.includes(c));
    if (missing.length > 0) {
      throw new InvalidFieldError('header', `缺少列 ${missing.join(', ')}（表头应为 ${MANIFEST_COLUMNS.join(',')}）`,
        `missing column(s) ${missing.join(', ')} (header must be ${MANIFEST_COLUMNS.join(',')})`, 'MANIFEST_BAD_HEADER');
    }
    if (table.rows.length > this.config.manifestMaxRows) {
      throw new RuleViolationError('MANIFEST_TOO_LARGE', `清单超过 ${this.config.manifestMaxRows} 行，请分批上传`,
        `The manifest has more than ${this.config.manifestMaxRows} rows; upload it in parts`);
    }
    return table;
  }

  /** Whether any of these rows' waybills is registered and not returned. */
  private async anyRegistered(rows: GoodRow[]): Promise<boolean> {
    return (await this.splitRegistered(rows)).alreadyRegistered.length > 0;
  }

  /**
   * Splits valid rows into new ones and ones whose (carrier, waybill) is already registered and not
   * returned: one IN list per carrier and chunk on the unique (carrier_id, unreturned_waybill) index.
   */
  private async splitRegistered(rows: GoodRow[]): Promise<{ fresh: GoodRow[]; alreadyRegistered: ManifestAlreadyRegisteredDto[] }> {
    const byCarrier = new Map<string, string[]>();
    for (const r of rows) {
      const list = byCarrier.get(r.carrier.id);
      if (list) list.push(r.waybillNo);
      else byCarrier.set(r.carrier.id, [r.waybillNo]);
    }
    const existing = new Map<string, Map<string, string>>();
    for (const [carrierId, waybills] of byCarrier) {
      const found = new Map<string, string>();
      for (let i = 0; i < waybills.length; i += CHUNK) {
        const part = waybills.slice(i, i + CHUNK);
        const rowsFound: Array<{ id: string; waybill: string }> = await this.dataSource.query(
          `SELECT id, unreturned_waybill AS waybill FROM down_parcel WHERE carrier_id = ? AND unreturned_waybill IN (?)`, [carrierId, part],
        );
        for (const f of rowsFound) found.set(f.waybill, String(f.id));
      }
      if (found.size > 0) existing.set(carrierId, found);
    }
    if (existing.size === 0) return { fresh: rows, alreadyRegistered: [] };
    const fresh: GoodRow[] = [];
    const alreadyRegistered: ManifestAlreadyRegisteredDto[] = [];
    for (const r of rows) {
      const parcelId = existing.get(r.carrier.id)?.get(r.waybillNo);
      if (parcelId) alreadyRegistered.push({ line: r.line, waybillNo: r.waybillNo, carrierCode: r.carrier.code, parcelId });
      else fresh.push(r);
    }
    return { fresh, alreadyRegistered };
  }

  /** Registered farmers owning the recipients' phones, asked in chunks so no query carries 100 k parameters. */
  private async farmerIdsByPhone(companyId: string, rows: GoodRow[]): Promise<Map<string, string>> {
    const phones = [...new Set(rows.map((r) => r.recipientPhone))];
    const ids = new Map<string, string>();
    for (let i = 0; i < phones.length; i += CHUNK) {
      for (const [phone, id] of await this.farmers.findIdsByPhones(companyId, phones.slice(i, i + CHUNK))) ids.set(phone, id);
    }
    return ids;
  }
}

/**
 * Checks every row and reports each problem with its CSV line number (the header is line 1). A good
 * row whose waybill does not match its carrier's hint is marked (`hintMismatch`); the warning texts
 * are built only for the rows reported (`hintWarnings`), not for every row of a large file.
 */
export function validateRows(table: CsvTable, usable: Map<string, CarrierEntity>): { good: GoodRow[]; rejected: ManifestRowErrorDto[] } {
  const good: GoodRow[] = [];
  const rejected: ManifestRowErrorDto[] = [];
  const col = columnPositions(table.header, MANIFEST_COLUMNS);
  // Per carrier: its compiled hint and the waybills seen so far (→ their line), for duplicates within the file.
  const hintOf = new Map<CarrierEntity, RegExp | null>();
  const seen = new Map<CarrierEntity, Map<string, number>>();
  for (let index = 0; index < table.rows.length; index++) {
    const fields = table.rows[index];
    const line = table.lines[index];
    const failedBefore = rejected.length;
    const waybillNo = normalizeWaybill(field(fields, col.waybill));
    const waybillOk = WAYBILL.test(waybillNo);
    if (!waybillOk) rejected.push(rowError(line, 'waybill', '运单号须为 8–20 位字母或数字', 'must be 8–20 letters and digits', waybillNo || undefined));
    const carrierKey = field(fields, col.carrier);
    const carrier = usable.get(carrierKey.toUpperCase()) ?? usable.get(carrierKey);
    if (!carrier) {
      rejected.push(rowError(line, 'carrier', `承运商「${carrierKey}」未知或在此服务点未启用`, `carrier "${carrierKey}" is unknown or not active at this point`, waybillNo));
    }
    const recipientName = field(fields, col.recipient_name);
    if (recipientName.length < 1 || recipientName.length > 50) rejected.push(rowError(line, 'recipient_name', '收件人姓名须为 1–50 个字', 'must be 1–50 characters', waybillNo));
    const rawPhone = field(fields, col.recipient_phone);
    const recipientPhone = PHONE_SEPARATOR.test(rawPhone) ? rawPhone.replace(PHONE_SEPARATORS, '') : rawPhone;
    if (!MOBILE_PHONE.test(recipientPhone)) rejected.push(rowError(line, 'recipient_phone', '不是有效的手机号', 'is not a valid mobile number', waybillNo));
    const weightRaw = field(fields, col.weight_g);
    const weightG = weightRaw === '' ? null : Number(weightRaw);
    if (weightG !== null && (!Number.isSafeInteger(weightG) || weightG < 1 || weightG > 1_000_000)) {
      rejected.push(rowError(line, 'weight_g', '重量须为 1–1000000 的整数克', 'must be whole grams from 1 to 1,000,000', waybillNo));
    }
    if (carrier && waybillOk) {
      let ofCarrier = seen.get(carrier);
      if (!ofCarrier) seen.set(carrier, (ofCarrier = new Map()));
      const first = ofCarrier.get(waybillNo);
      if (first !== undefined) rejected.push(rowError(line, 'waybill', `与第${first}行重复`, `duplicates line ${first}`, waybillNo));
      else ofCarrier.set(waybillNo, line);
    }
    if (rejected.length > failedBefore) continue;
    const known = carrier as CarrierEntity;
    let hint = hintOf.get(known);
    if (hint === undefined) hintOf.set(known, (hint = compiledHint(known)));
    good.push({ line, waybillNo, carrier: known, recipientName, recipientPhone, weightG, hintMismatch: hint !== null && !hint.test(waybillNo) });
  }
  return { good, rejected };
}

/** The hint warnings of these rows, at most `limit` of them. */
function hintWarnings(rows: GoodRow[], limit: number): ManifestRowErrorDto[] {
  const out: ManifestRowErrorDto[] = [];
  for (const r of rows) {
    if (out.length >= limit) break;
    if (!r.hintMismatch) continue;
    const w = waybillHintMismatch(r.carrier.code);
    out.push(rowError(r.line, 'waybill', w.message, w.messageEn, r.waybillNo));
  }
  return out;
}

/** A duplicate key on the unreturned waybill: some waybill of the manifest is registered already. */
function isWaybillTaken(err: unknown): boolean {
  return isDuplicateKeyError(err) && String((err as Error).message).includes('uq_down_parcel_unreturned_waybill');
}

/** Any other duplicate key after the check (a concurrent registration of the same waybill) is a conflict to retry. */
function asManifestConflict(err: unknown): unknown {
  if (!isDuplicateKeyError(err)) return err;
  return new ConflictError('MANIFEST_CONFLICT', '有运单在导入期间被他人登记，请重新导入（已登记的行会被跳过）',
    'Some waybills were registered concurrently; import again (registered rows are skipped)');
}

/** A field of a row, '' when the row is short or the column absent (fields are already trimmed). */
const field = (fields: string[], c: number): string => (c < 0 ? '' : fields[c] ?? '');

const PHONE_SEPARATOR = /[\s-]/;
const PHONE_SEPARATORS = /[\s-]/g;

/** The carrier's waybill hint compiled once per import (null when it has none or it does not compile). */
function compiledHint(carrier: CarrierEntity): RegExp | null {
  if (!carrier.waybillHint) return null;
  try {
    return new RegExp(carrier.waybillHint);
  } catch {
    return null;
  }
}

type ParcelContext = { pointId: string; manifestId: string; arrivedAt: Date; userId: string };

const PARCEL_COLUMNS = [
  'point_id', 'carrier_id', 'waybill_no', 'unreturned_waybill', 'recipient_name', 'recipient_phone', 'recipient_phone_last4',
  'recipient_farmer_id', 'weight_g', 'pickup_code', 'open_pickup_code', 'status', 'source', 'manifest_id', 'arrived_at', 'registered_by_user_id',
].join(', ');

/**
 * One multi-row INSERT for rows [from, to) of the manifest, the i-th row taking the i-th code.
 * Returns the id of the first parcel inserted.
 */
async function insertParcels(
  em: EntityManager, rows: GoodRow[], from: number, to: number, codes: string[], farmerIds: Map<string, string>, ctx: ParcelContext,
): Promise<string> {
  const values: unknown[][] = new Array(to - from);
  for (let i = from; i < to; i++) {
    const r = rows[i];
    values[i - from] = [
      ctx.pointId, r.carrier.id, r.waybillNo, r.waybillNo, r.recipientName, r.recipientPhone, r.recipientPhone.slice(-4),
      farmerIds.get(r.recipientPhone) ?? null, r.weightG, codes[i], codes[i], DownParcelStatus.AWAITING_PICKUP, ArrivalSource.MANIFEST,
      ctx.manifestId, ctx.arrivedAt, ctx.userId,
    ];
  }
  // `VALUES ?` with nested arrays: the driver formats the rows in one pass.
  const res: { insertId: number | string } = await em.query(`INSERT INTO down_parcel (${PARCEL_COLUMNS}) VALUES ?`, [values]);
  return String(res.insertId);
}

/**
 * The manifest's one arrival event. It stands for a `parcel.arrived` of each parcel: the
 * notifications consumer pages through the parcels and requests each one's SMS with its code, keyed
 * per parcel, so a redelivered event sends nothing twice. One outbox row instead of one per parcel
 * halves the rows a large import writes.
 */
function manifestArrivedEvent(p: ManifestArrivedPayload): DomainEvent {
  return { eventType: PARCEL_EVENTS.MANIFEST_ARRIVED, aggregateType: 'parcel_manifest', aggregateId: p.manifestId, payload: p };
}
