import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { createHash } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CatalogService, gradeUnknown, unitUnknown } from '../catalog/catalog.service';
import { SettlementMode } from '../catalog/product.entity';
import { Principal } from '../common/access/principal';
import { businessDay } from '../common/business-day';
import { ConflictError, DomainError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { RequestValidationError } from '../common/errors/request-validation.error';
import { lineAmountFen } from '../common/money';
import { ConversionResult, normalizeQuantity, toBaseUnits } from '../common/quantity';
import { IntakeConfig } from '../config';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { FarmersService } from '../farmers/farmers.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DemandPledgesService } from '../order-farming/demand-pledges.service';
import { OutboxService } from '../outbox/outbox.service';
import { ConsignmentLineEntity } from './consignment-line.entity';
import { toConsignmentDto } from './consignment-views';
import { ConsignmentEntity } from './consignment.entity';
import { BulkItemResult, BulkSyncResultDto, ConsignmentDto } from './dto/consignment.dto';
import { CreateConsignmentDto } from './dto/create-consignment.dto';
import { VoidConsignmentDto } from './dto/void-consignment.dto';
import { IntakeAmendmentEntity } from './intake-amendment.entity';
import { AmendmentKind, assertNotVoided, ConsignmentStatus, LineStatus } from './intake-status';

export const INTAKE_EVENTS = {
  RECEIVED: 'consignment.received',
  QC_COMPLETED: 'consignment.qc_completed',
  LINE_ACCEPTED: 'consignment.line_accepted',
  LINE_ACCEPTANCE_REVERSED: 'consignment.line_acceptance_reversed',
  VOIDED: 'consignment.voided',
  /** consignment-mode goods still at the point given back to the farmer (HandBacksService) */
  GOODS_HANDED_BACK: 'consignment.goods_handed_back',
} as const;

/** Devices' clocks drift a little; a capture up to this far ahead of the server is still "now". */
const CLOCK_SKEW_MS = 60_000;

export type CreateResult = { created: boolean; consignment: ConsignmentDto };

type PreparedConsignment = {
  dto: CreateConsignmentDto;
  hash: string;
  capturedAt: Date;
  day: string;
  pointCode: string;
  lines: Array<Omit<ConsignmentLineEntity, 'id' | 'consignmentId'>>;
  estimatedAmountFen: number;
  /** Lines delivered against an order-farming pledge (index into `lines`). */
  pledgeLinks: Array<{ lineIndex: number; pledgeId: string }>;
};

const QUANTITY_ERRORS: Record<Exclude<ConversionResult, { ok: true }>['reason'], [string, string]> = {
  MALFORMED: ['数量格式不正确', 'quantity is not a decimal number'],
  NOT_POSITIVE: ['数量必须大于 0', 'quantity must be greater than 0'],
  NOT_WHOLE_BASE_UNIT: ['数量换算后不是整数个基本单位', 'quantity does not convert to whole base units'],
  TOO_LARGE: ['数量过大', 'quantity is too large'],
};


/** The canonical form of a consignment request: what "the same consignment" means for retries. */
export function consignmentRequestHash(dto: CreateConsignmentDto): string {
  const canonical = {
    pointId: dto.pointId, farmerId: dto.farmerId, capturedAt: new Date(dto.capturedAt).toISOString(), note: dto.note ?? null,
    // The pledge joins a line's tuple only when given, so hashes of consignments without one are unchanged.
    lines: dto.lines.map((l) => [l.productId, normalizeQuantity(l.quantity) ?? l.quantity, l.unit, l.gradeCode, ...(l.pledgeId ? [l.pledgeId] : [])]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Consignment intake (交售单): create (idempotent by client UUID), bulk offline sync, void. */
@Injectable()
export class ConsignmentsService {
  private readonly logger = new Logger(ConsignmentsService.name);
  private readonly config: IntakeConfig;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly points: CommercePointsService,
    private readonly farmers: FarmersService,
    private readonly catalog: CatalogService,
    private readonly pledges: DemandPledgesService,
    config: ConfigService,
  ) {
    this.config = config.getOrThrow<IntakeConfig>('intake');
  }

  /**
   * Records a consignment once per client UUID: a retry with the same body returns the original
   * (created=false); the same UUID with another body is 409 CONSIGNMENT_ID_REUSED. Concurrent
   * duplicates are settled by the unique index on client_id.
   */
  async create(actor: Principal, dto: CreateConsignmentDto): Promise<CreateResult> {
    const hash = consignmentRequestHash(dto);
    // The happy path does not look the client id up first: the unique index catches a duplicate.
    // A retry that would now fail validation (e.g. captured too long ago) still finds its original.
    let prepared: PreparedConsignment;
    try {
      prepared = await this.prepare(actor, dto, hash);
    } catch (err) {
      const existing = err instanceof DomainError ? await this.findByClientId(dto.clientId) : null;
      if (existing) return this.replay(actor, existing, hash);
      throw err;
    }
    try {
      return { created: true, consignment: await inTransaction(this.dataSource, (em) => this.insert(em, actor, prepared)) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const winner = await this.findByClientId(dto.clientId);
      if (!winner) throw err;
      return this.replay(actor, winner, hash);
    }
  }

  /** Offline sync: each item is validated and committed on its own; the answer is per item. */
  async bulkSync(actor: Principal, items: object[]): Promise<BulkSyncResultDto> {
    if (items.length > this.config.bulkMaxItems) {
      throw new RuleViolationError('BULK_TOO_LARGE', `一次最多同步 ${this.config.bulkMaxItems} 单`, `At most ${this.config.bulkMaxItems} consignments per sync`,
        [{ field: 'items', message: `最多 ${this.config.bulkMaxItems} 条`, messageEn: `at most ${this.config.bulkMaxItems} items` }]);
    }
    const results: BulkItemResult[] = [];
    for (const [index, item] of items.entries()) {
      const clientId = typeof (item as { clientId?: unknown }).clientId === 'string' ? (item as { clientId: string }).clientId : null;
      try {
        const dto = plainToInstance(CreateConsignmentDto, item);
        const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
        if (errors.length) throw new RequestValidationError(errors);
        const { created, consignment } = await this.create(actor, dto);
        results.push({ index, clientId, result: created ? 'CREATED' : 'ALREADY_EXISTS', consignment });
      } catch (err) {
        if (!(err instanceof DomainError)) {
          this.logger.error({ err, index, clientId }, 'bulk sync item failed');
        }
        const e = err instanceof DomainError ? err : new DomainError('INTERNAL_ERROR', 500, '服务器内部错误', 'Internal server error');
        results.push({ index, clientId, result: 'REJECTED', error: { statusCode: e.status, code: e.code, message: e.messageZh, messageEn: e.messageEn, details: e.details } });
      }
    }
    const count = (r: BulkItemResult['result']) => results.filter((x) => x.result === r).length;
    return { created: count('CREATED'), alreadyExisting: count('ALREADY_EXISTS'), rejected: count('REJECTED'), results };
  }

  /** Voids an uninspected consignment within the void window, with a reason; recorded as an amendment. */
  async void(actor: Principal, id: string, dto: VoidConsignmentDto): Promise<ConsignmentDto> {
    return inTransaction(this.dataSource, async (em) => {
      const c = await this.lockForAction(em, actor, id);
      assertNotVoided(c.status);
      if (c.status !== ConsignmentStatus.RECEIVED) {
        throw new ConflictError('CONSIGNMENT_ALREADY_INSPECTED', '已质检的交售单不能作废，请做更正', 'An inspected consignment cannot be voided; amend it instead');
      }
      const ageMs = Date.now() - c.receivedAt.getTime();
      if (ageMs > this.config.voidWindowMinutes * 60_000) {
        throw new RuleViolationError('VOID_WINDOW_PASSED', `已超过 ${this.config.voidWindowMinutes} 分钟作废时限`, `The ${this.config.voidWindowMinutes}-minute void window has passed`);
      }
      const now = new Date();
      await em.getRepository(ConsignmentEntity).update({ id }, { status: ConsignmentStatus.VOIDED, voidedAt: now, voidedBy: actor.id, voidReason: dto.reason });
      await em.getRepository(ConsignmentLineEntity).update({ consignmentId: id }, { status: LineStatus.VOIDED });
      await em.getRepository(IntakeAmendmentEntity).insert({
        consignmentId: id, lineId: null, kind: AmendmentKind.VOID, actorId: actor.id, reason: dto.reason,
        before: { status: c.status }, after: { status: ConsignmentStatus.VOIDED, voidedAt: now.toISOString() },
      });
      await this.audit.record(em, actor, { entityType: 'consignment', entityId: id, action: 'void', before: { status: c.status }, after: { status: ConsignmentStatus.VOIDED }, reason: dto.reason });
      await this.outbox.publish(em, {
        eventType: INTAKE_EVENTS.VOIDED, aggregateType: 'consignment', aggregateId: id,
        payload: { consignmentId: id, receiptNo: c.receiptNo, pointId: c.pointId, farmerId: c.farmerId, reason: dto.reason },
      });
      const after = await em.getRepository(ConsignmentEntity).findOneByOrFail({ id });
      return toConsignmentDto(after, await em.getRepository(ConsignmentLineEntity).find({ where: { consignmentId: id }, order: { lineNo: 'ASC' } }));
    });
  }

  /** The consignment, row-locked, if the caller may act at its point (else 404). */
  async lockForAction(em: EntityManager, actor: Principal, id: string): Promise<ConsignmentEntity> {
    const c = await em.getRepository(ConsignmentEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!c || c.companyId !== actor.companyId) throw new NotFoundError('交售单', 'Consignment', 'CONSIGNMENT_NOT_FOUND');
    await this.points.requireActivePointForAction(actor, c.pointId, em).catch((err) => {
      throw err instanceof NotFoundError ? new NotFoundError('交售单', 'Consignment', 'CONSIGNMENT_NOT_FOUND') : err;
    });
    return c;
  }

  private findByClientId(clientId: string): Promise<ConsignmentEntity | null> {
    return this.dataSource.getRepository(ConsignmentEntity).findOneBy({ clientId });
  }

  private async replay(actor: Principal, existing: ConsignmentEntity, hash: string): Promise<CreateResult> {
    if (existing.companyId !== actor.companyId || existing.requestHash !== hash) {
      throw new ConflictError('CONSIGNMENT_ID_REUSED', '该单号已用于另一张交售单', 'This clientId was already used for a different consignment',
        [{ field: 'clientId', message: '已被另一张交售单使用', messageEn: 'already used for a different consignment' }]);
    }
    await this.points.requireVisiblePoint(actor, existing.pointId);
    const lines = await this.dataSource.getRepository(ConsignmentLineEntity).find({ where: { consignmentId: existing.id }, order: { lineNo: 'ASC' } });
    return { created: false, consignment: toConsignmentDto(existing, lines) };
  }

  /** Every check that needs no lock, with set-based reads: point, farmer, products and prices. */
  private async prepare(actor: Principal, dto: CreateConsignmentDto, hash: string): Promise<PreparedConsignment> {
    const capturedAt = new Date(dto.capturedAt);
    const now = Date.now();
    if (capturedAt.getTime() > now + CLOCK_SKEW_MS) {
      throw fieldRuleViolation('CAPTURED_AT_IN_FUTURE', 'capturedAt', '记录时间不能晚于现在', 'capture time is in the future');
    }
    if (now - capturedAt.getTime() > this.config.maxCaptureAgeDays * 86_400_000) {
      throw fieldRuleViolation('CAPTURED_AT_TOO_OLD', 'capturedAt', `记录时间早于 ${this.config.maxCaptureAgeDays} 天`, `capture time is more than ${this.config.maxCaptureAgeDays} days ago`);
    }
    const [point, farmer, products] = await Promise.all([
      this.points.requireActivePointRefForAction(actor, dto.pointId),
      this.farmers.requireFarmerInCompany(actor.companyId, dto.farmerId).catch((err) => {
        throw err instanceof NotFoundError ? fieldRuleViolation('FARMER_NOT_FOUND', 'farmerId', '农户不存在', 'farmer not found') : err;
      }),
      this.catalog.loadForIntake(actor.companyId, dto.lines.map((l) => l.productId), capturedAt),
    ]);
    if (!farmer.active) throw fieldRuleViolation('FARMER_INACTIVE', 'farmerId', '农户已停用', 'farmer is inactive');

    let estimatedAmountFen = 0;
    const lines = dto.lines.map((input, i) => {
      const f = (name: string) => `lines.${i}.${name}`;
      const entry = products.get(input.productId);
      if (!entry) throw fieldRuleViolation('PRODUCT_NOT_FOUND', f('productId'), '商品不存在', 'product not found');
      const { product, prices } = entry;
      if (!product.active) throw fieldRuleViolation('PRODUCT_INACTIVE', f('productId'), '商品已停用', 'product is inactive');
      const unit = product.units.find((u) => u.name === input.unit);
      if (!unit) throw unitUnknown(f('unit'), product, input.unit);
      if (!product.grades.some((g) => g.code === input.gradeCode)) throw gradeUnknown(f('gradeCode'), product, input.gradeCode);
      const converted = toBaseUnits(input.quantity, unit.baseUnitsPerDisplayUnit);
      if (!converted.ok) throw fieldRuleViolation(`QUANTITY_${converted.reason}`, f('quantity'), ...QUANTITY_ERRORS[converted.reason]);
      if (converted.quantityBase > product.maxQuantityBasePerLine) {
        throw fieldRuleViolation('QUANTITY_ABOVE_MAXIMUM', f('quantity'), `超过单行上限（${product.maxQuantityBasePerLine} 基本单位）`, `above the per-line maximum of ${product.maxQuantityBasePerLine} base units`);
      }
      const price = prices.get(input.gradeCode);
      if (!price) throw fieldRuleViolation('PRICE_MISSING', f('gradeCode'), '该等级在记录时间没有生效价格', 'no price in force for this grade at capture time');
      const amount = lineAmountFen(price.priceFen, converted.quantityBase, price.unitSizeBase);
      estimatedAmountFen += amount;
      return {
        lineNo: i + 1, productId: product.id, declaredGradeCode: input.gradeCode, quantityText: converted.normalized,
        unitName: unit.name, unitSizeBase: unit.baseUnitsPerDisplayUnit, quantityBase: converted.quantityBase,
        priceFen: price.priceFen, priceUnitName: price.unitName, priceUnitSizeBase: price.unitSizeBase,
        settlementMode: product.settlementMode as SettlementMode, estimatedAmountFen: amount, status: LineStatus.RECEIVED,
        acceptedQuantityBase: 0, rejectedQuantityBase: 0, batchedQuantityBase: 0, handedBackQuantityBase: 0, acceptedAmountFen: 0,
      };
    });
    const pledgeLinks = dto.lines.flatMap((l, i) => (l.pledgeId ? [{ lineIndex: i, pledgeId: l.pledgeId }] : []));
    await this.pledges.checkForIntake(actor.companyId, dto.pointId, dto.farmerId,
      pledgeLinks.map((k) => ({ field: `lines.${k.lineIndex}.pledgeId`, productId: dto.lines[k.lineIndex].productId, pledgeId: k.pledgeId })));
    return { dto, hash, capturedAt, day: businessDay(capturedAt), pointCode: point.code, lines, estimatedAmountFen, pledgeLinks };
  }

  /** The hot path: counter, header, all lines in one INSERT, outbox and audit rows. No reloads. */
  private async insert(em: EntityManager, actor: Principal, p: PreparedConsignment): Promise<ConsignmentDto> {
    const { dto } = p;
    // LAST_INSERT_ID(expr) hands this transaction's own new value back; the row lock orders concurrent intakes.
    const counter = await em.query(
      'INSERT INTO receipt_counter (point_id, business_day, last_seq) VALUES (?, ?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + 1)',
      [dto.pointId, p.day],
    );
    const seq = Number((counter as { insertId: number | string }).insertId);
    const receiptNo = `${p.pointCode}-${p.day.replace(/-/g, '')}-${String(seq).padStart(4, '0')}`;
    const receivedAt = new Date();
    const header = {
      companyId: actor.companyId, pointId: dto.pointId, farmerId: dto.farmerId, clientId: dto.clientId, requestHash: p.hash,
      receiptNo, businessDay: p.day, capturedAt: p.capturedAt, receivedAt, status: ConsignmentStatus.RECEIVED,
      lineCount: p.lines.length, estimatedAmountFen: p.estimatedAmountFen, note: dto.note ?? null, createdBy: actor.id,
      voidedAt: null, voidedBy: null, voidReason: null,
    };
    // Plain INSERTs: the ORM's insert builder cost more CPU than the rest of the request's SQL work.
    const inserted = await em.query(
      `INSERT INTO consignment (company_id, point_id, farmer_id, client_id, request_hash, receipt_no, business_day, captured_at, received_at,
                                status, line_count, estimated_amount_fen, note, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [header.companyId, header.pointId, header.farmerId, header.clientId, header.requestHash, header.receiptNo, header.businessDay,
        header.capturedAt, header.receivedAt, header.status, header.lineCount, header.estimatedAmountFen, header.note, header.createdBy],
    );
    const id = String((inserted as { insertId: number | string }).insertId);
    const lineInsert = await em.query(
      `INSERT INTO consignment_line (consignment_id, line_no, product_id, declared_grade_code, quantity_text, unit_name, unit_size_base,
                                     quantity_base, price_fen, price_unit_name, price_unit_size_base, settlement_mode, estimated_amount_fen,
                                     status, accepted_quantity_base, rejected_quantity_base, batched_quantity_base, accepted_amount_fen)
       VALUES ?`,
      [p.lines.map((l) => [id, l.lineNo, l.productId, l.declaredGradeCode, l.quantityText, l.unitName, l.unitSizeBase, l.quantityBase,
        l.priceFen, l.priceUnitName, l.priceUnitSizeBase, l.settlementMode, l.estimatedAmountFen, l.status,
        l.acceptedQuantityBase, l.rejectedQuantityBase, l.batchedQuantityBase, l.acceptedAmountFen])],
    );
    // A multi-row INSERT gets consecutive auto-increment ids (InnoDB "simple insert").
    const firstLineId = BigInt((lineInsert as { insertId: number | string }).insertId);
    const lines = p.lines.map((l, i) => ({ ...l, id: String(firstLineId + BigInt(i)), consignmentId: id }) as ConsignmentLineEntity);
    await this.pledges.recordDeliveries(em, p.pledgeLinks.map((k) => ({ pledgeId: k.pledgeId, consignmentLineId: lines[k.lineIndex].id })));
    await this.outbox.publish(em, {
      eventType: INTAKE_EVENTS.RECEIVED, aggregateType: 'consignment', aggregateId: id,
      payload: {
        consignmentId: id, receiptNo, companyId: actor.companyId, pointId: dto.pointId, farmerId: dto.farmerId,
        capturedAt: p.capturedAt.toISOString(), estimatedAmountFen: p.estimatedAmountFen,
        lines: lines.map((l) => ({ lineId: l.id, lineNo: l.lineNo, productId: l.productId, gradeCode: l.declaredGradeCode, quantity: l.quantityText, unit: l.unitName, quantityBase: l.quantityBase })),
      },
    });
    await this.audit.record(em, actor, {
      entityType: 'consignment', entityId: id, action: 'create',
      after: { receiptNo, pointId: dto.pointId, farmerId: dto.farmerId, capturedAt: p.capturedAt, lineCount: lines.length, estimatedAmountFen: p.estimatedAmountFen },
    });
    const now = new Date();
    return toConsignmentDto({ ...header, id, createdAt: now, updatedAt: now } as ConsignmentEntity, lines);
  }
}

