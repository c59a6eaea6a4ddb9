import { Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CatalogService, gradeUnknown, ProductForIntake } from '../catalog/catalog.service';
import { SettlementMode } from '../catalog/product.entity';
import { Principal } from '../common/access/principal';
import { ConflictError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { lineAmountFen } from '../common/money';
import { normalizeQuantity, toBaseUnits } from '../common/quantity';
import { inTransaction } from '../database/transaction';
import { DomainEvent, OutboxService } from '../outbox/outbox.service';
import { ConsignmentLineEntity } from './consignment-line.entity';
import { ConsignmentQueriesService } from './consignment-queries.service';
import { ConsignmentEntity } from './consignment.entity';
import { ConsignmentsService, INTAKE_EVENTS } from './consignments.service';
import { ConsignmentDto } from './dto/consignment.dto';
import { QcCorrectionDto } from './dto/qc-correction.dto';
import { QcLineInputDto } from './dto/qc-line-input.dto';
import { QualityCheckDto } from './dto/quality-check.dto';
import { IntakeAmendmentEntity } from './intake-amendment.entity';
import { AmendmentKind, assertNotVoided, consignmentStatusFromLines, LineStatus, RejectReason } from './intake-status';
import { QualityCheckGradeEntity } from './quality-check-grade.entity';
import { QualityCheckRejectEntity } from './quality-check-reject.entity';
import { QualityCheckEntity } from './quality-check.entity';

type QcInput = Omit<QcLineInputDto, 'lineNo'>;

/** A checked QC for one line, ready to write. */
type QcPlan = {
  line: ConsignmentLineEntity;
  input: QcInput;
  hash: string;
  accepted: Array<Omit<QualityCheckGradeEntity, 'id' | 'qualityCheckId' | 'lineId'>>;
  rejected: Array<Omit<QualityCheckRejectEntity, 'id' | 'qualityCheckId' | 'lineId'>>;
  acceptedBase: number;
  rejectedBase: number;
  acceptedAmountFen: number;
};

type WrittenQc = { qc: QualityCheckEntity; grades: QualityCheckGradeEntity[]; rejects: QualityCheckRejectEntity[] };


/** Hash of a QC input in canonical form: a retried identical QC is recognised, not refused. */
function qcHash(input: QcInput): string {
  const canonical = {
    accepted: input.accepted.map((a) => [a.gradeCode, normalizeQuantity(a.quantity)]),
    rejected: input.rejected.map((r) => [r.reason, normalizeQuantity(r.quantity), r.disposition, r.note ?? null]),
    checklist: Object.keys(input.checklist).sort().map((k) => [k, input.checklist[k]]),
    measuredWeightGrams: input.measuredWeightGrams ?? null, note: input.note ?? null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Quality checks (质检) per consignment line: accepted quantity per grade at the price in force at
 * capture time (locked here), rejected quantity per reason with its return record. Corrections
 * supersede a QC with a new revision plus an amendment, never edit it.
 */
@Injectable()
export class QualityChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly catalog: CatalogService,
    private readonly consignments: ConsignmentsService,
    private readonly queries: ConsignmentQueriesService,
  ) {}

  /** QC of one or more uninspected lines; an identical retry answers the existing result (created=false). */
  async inspect(actor: Principal, consignmentId: string, dto: QualityCheckDto): Promise<{ created: boolean; consignment: ConsignmentDto }> {
    const lineNos = dto.lines.map((l) => l.lineNo);
    if (new Set(lineNos).size !== lineNos.length) {
      throw fieldRuleViolation('QC_DUPLICATE_LINE', 'lines', '同一行不能重复质检', 'a line appears twice');
    }
    return inTransaction(this.dataSource, async (em) => {
      const c = await this.consignments.lockForAction(em, actor, consignmentId);
      assertNotVoided(c.status);
      const lines = await em.getRepository(ConsignmentLineEntity).find({ where: { consignmentId }, order: { lineNo: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      const targets = dto.lines.map((input, i) => {
        const line = lines.find((l) => l.lineNo === input.lineNo);
        if (!line) throw fieldRuleViolation('LINE_NOT_FOUND', `lines.${i}.lineNo`, '交售单没有这一行', 'no such line on the consignment');
        return { line, input, hash: qcHash(input), field: `lines.${i}` };
      });
      const done = targets.filter((t) => t.line.status !== LineStatus.RECEIVED);
      if (done.length) {
        if (done.length === targets.length && await this.sameAsRecorded(em, targets)) {
          return { created: false, consignment: await this.queries.loadDetail(em, c) };
        }
        throw new ConflictError('LINE_ALREADY_INSPECTED', `第 ${done[0].line.lineNo} 行已质检，如需修改请提交更正`, `Line ${done[0].line.lineNo} is already inspected; submit a correction instead`,
          [{ field: `${done[0].field}.lineNo`, message: '已质检', messageEn: 'already inspected' }]);
      }
      const products = await this.catalog.loadForIntake(c.companyId, targets.map((t) => t.line.productId), c.capturedAt, em);
      const plans = targets.map((t) => this.plan(t.line, products.get(t.line.productId) as ProductForIntake, t.input, t.field, t.hash));
      const written = await this.write(em, actor, c, plans, 1);
      for (const plan of plans) Object.assign(plan.line, this.lineCounters(plan));
      await this.updateConsignmentStatus(em, c, lines);
      await this.outbox.publish(em, ...this.events(c, plans, written, false));
      await this.audit.record(em, actor, {
        entityType: 'consignment', entityId: c.id, action: 'quality_check',
        after: { lines: plans.map((p) => ({ lineNo: p.line.lineNo, acceptedQuantityBase: p.acceptedBase, rejectedQuantityBase: p.rejectedBase, acceptedAmountFen: p.acceptedAmountFen })) },
      });
      return { created: true, consignment: await this.queries.loadDetail(em, c) };
    });
  }

  /** Replaces the QC of an inspected, not yet batched line: a new revision plus an amendment with before/after. */
  async correct(actor: Principal, consignmentId: string, lineNo: number, dto: QcCorrectionDto): Promise<ConsignmentDto> {
    const { reason, ...input } = dto;
    return inTransaction(this.dataSource, async (em) => {
      const c = await this.consignments.lockForAction(em, actor, consignmentId);
      assertNotVoided(c.status);
      const lines = await em.getRepository(ConsignmentLineEntity).find({ where: { consignmentId }, order: { lineNo: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      const line = lines.find((l) => l.lineNo === lineNo);
      if (!line) throw fieldRuleViolation('LINE_NOT_FOUND', 'lineNo', '交售单没有这一行', 'no such line on the consignment');
      if (line.status !== LineStatus.INSPECTED || line.batchedQuantityBase > 0 || line.handedBackQuantityBase > 0) {
        throw new ConflictError('LINE_NOT_CORRECTABLE', '只有已质检且未装批、未退还的行可以更正', 'Only inspected lines not yet batched or handed back can be corrected');
      }
      const previous = await em.getRepository(QualityCheckEntity).findOneOrFail({ where: { lineId: line.id, supersededAt: IsNull() } });
      const previousGrades = await em.getRepository(QualityCheckGradeEntity).findBy({ qualityCheckId: previous.id });
      const products = await this.catalog.loadForIntake(c.companyId, [line.productId], c.capturedAt, em);
      const plan = this.plan(line, products.get(line.productId) as ProductForIntake, input, 'body', qcHash(input));
      const before = { acceptedQuantityBase: line.acceptedQuantityBase, rejectedQuantityBase: line.rejectedQuantityBase, acceptedAmountFen: line.acceptedAmountFen, qualityCheckId: previous.id };
      await em.getRepository(QualityCheckEntity).update({ id: previous.id }, { supersededAt: new Date() });
      const written = await this.write(em, actor, c, [plan], previous.revision + 1);
      Object.assign(line, this.lineCounters(plan));
      const after = { acceptedQuantityBase: plan.acceptedBase, rejectedQuantityBase: plan.rejectedBase, acceptedAmountFen: plan.acceptedAmountFen, qualityCheckId: written[0].qc.id };
      await em.getRepository(IntakeAmendmentEntity).insert({ consignmentId, lineId: line.id, kind: AmendmentKind.QC_CORRECTION, actorId: actor.id, reason, before, after });
      const reversals: DomainEvent[] = previousGrades.filter((g) => g.settlementMode === SettlementMode.PURCHASE).map((g) => ({
        eventType: INTAKE_EVENTS.LINE_ACCEPTANCE_REVERSED, aggregateType: 'consignment', aggregateId: c.id,
        payload: { sourceKey: `qc-grade:${g.id}`, consignmentId: c.id, lineId: line.id, farmerId: c.farmerId, pointId: c.pointId, productId: line.productId, gradeCode: g.gradeCode, quantityBase: g.quantityBase, amountFen: g.amountFen },
      }));
      await this.outbox.publish(em, ...reversals, ...this.events(c, [plan], written, true));
      await this.audit.record(em, actor, { entityType: 'consignment_line', entityId: line.id, action: 'qc_correction', before, after, reason });
      return this.queries.loadDetail(em, c);
    });
  }

  /** Checks one line's QC against the product: checklist, grades, quantities that add up, prices. */
  private plan(line: ConsignmentLineEntity, entry: ProductForIntake, input: QcInput, f: string, hash: string): QcPlan {
    const { product, prices } = entry;
    for (const item of product.qcChecklist) {
      if (typeof input.checklist[item.key] !== 'boolean') {
        throw fieldRuleViolation('QC_CHECKLIST_INCOMPLETE', `${f}.checklist.${item.key}`, `请回答“${item.label}”（是/否）`, `answer "${item.key}" with true or false`);
      }
    }
    const unknown = Object.keys(input.checklist).find((k) => !product.qcChecklist.some((i) => i.key === k));
    if (unknown) throw fieldRuleViolation('QC_CHECKLIST_UNKNOWN', `${f}.checklist.${unknown}`, '不是该商品的质检项', 'not a checklist item of this product');
    const toBase = (quantity: string, field: string) => {
      const r = toBaseUnits(quantity, line.unitSizeBase);
      if (!r.ok) throw fieldRuleViolation(`QUANTITY_${r.reason}`, field, '数量须为正数且换算为整数个基本单位', 'quantity must be positive and convert to whole base units');
      return r.quantityBase;
    };
    const grades = new Set<string>();
    const accepted = input.accepted.map((a, j) => {
      const field = `${f}.accepted.${j}`;
      if (!product.grades.some((g) => g.code === a.gradeCode)) throw gradeUnknown(`${field}.gradeCode`, product, a.gradeCode);
      if (grades.has(a.gradeCode)) throw fieldRuleViolation('QC_DUPLICATE_GRADE', `${field}.gradeCode`, '同一等级重复', 'grade appears twice');
      grades.add(a.gradeCode);
      const price = prices.get(a.gradeCode);
      if (!price) throw fieldRuleViolation('PRICE_MISSING', `${field}.gradeCode`, '该等级在交售时没有生效价格', 'no price in force for this grade at capture time');
      const quantityBase = toBase(a.quantity, `${field}.quantity`);
      return {
        gradeCode: a.gradeCode, quantityBase, priceFen: price.priceFen, priceUnitSizeBase: price.unitSizeBase,
        amountFen: lineAmountFen(price.priceFen, quantityBase, price.unitSizeBase), settlementMode: line.settlementMode,
      };
    });
    const rejected = input.rejected.map((r, j) => {
      const field = `${f}.rejected.${j}`;
      if (r.reason === RejectReason.OTHER && !r.note) throw fieldRuleViolation('QC_NOTE_REQUIRED', `${field}.note`, '原因为“其他”时须填写说明', 'a note is required for reason OTHER');
      return { reason: r.reason, quantityBase: toBase(r.quantity, `${field}.quantity`), note: r.note ?? null, disposition: r.disposition };
    });
    const acceptedBase = accepted.reduce((s, a) => s + a.quantityBase, 0);
    const rejectedBase = rejected.reduce((s, r) => s + r.quantityBase, 0);
    if (acceptedBase + rejectedBase !== line.quantityBase) {
      throw fieldRuleViolation('QC_TOTAL_MISMATCH', f, `合格 ${acceptedBase} + 不合格 ${rejectedBase} 不等于交售数量 ${line.quantityBase}（基本单位）`,
        `accepted ${acceptedBase} + rejected ${rejectedBase} does not equal the delivered ${line.quantityBase} base units`);
    }
    return { line, input, hash, accepted, rejected, acceptedBase, rejectedBase, acceptedAmountFen: accepted.reduce((s, a) => s + a.amountFen, 0) };
  }

  private async write(em: EntityManager, actor: Principal, c: ConsignmentEntity, plans: QcPlan[], revision: number): Promise<WrittenQc[]> {
    const checkedAt = new Date();
    const out: WrittenQc[] = [];
    for (const p of plans) {
      const qcValues = {
        consignmentId: c.id, lineId: p.line.id, revision, requestHash: p.hash, checkedBy: actor.id, checkedAt,
        acceptedQuantityBase: p.acceptedBase, rejectedQuantityBase: p.rejectedBase, measuredWeightGrams: p.input.measuredWeightGrams ?? null,
        checklist: p.input.checklist, note: p.input.note ?? null, supersededAt: null,
      };
      const qcId = String((await em.getRepository(QualityCheckEntity).insert(qcValues)).identifiers[0].id);
      const grades = p.accepted.map((a) => ({ ...a, qualityCheckId: qcId, lineId: p.line.id }));
      const rejects = p.rejected.map((r) => ({ ...r, qualityCheckId: qcId, lineId: p.line.id }));
      const gradeIds = grades.length ? (await em.getRepository(QualityCheckGradeEntity).insert(grades)).identifiers.map((i) => String(i.id)) : [];
      const rejectIds = rejects.length ? (await em.getRepository(QualityCheckRejectEntity).insert(rejects)).identifiers.map((i) => String(i.id)) : [];
      await em.getRepository(ConsignmentLineEntity).update({ id: p.line.id }, this.lineCounters(p));
      out.push({
        qc: { ...qcValues, id: qcId, createdAt: checkedAt } as QualityCheckEntity,
        grades: grades.map((g, i) => ({ ...g, id: gradeIds[i] }) as QualityCheckGradeEntity),
        rejects: rejects.map((r, i) => ({ ...r, id: rejectIds[i] }) as QualityCheckRejectEntity),
      });
    }
    return out;
  }

  private lineCounters(p: QcPlan): Partial<ConsignmentLineEntity> {
    return { status: LineStatus.INSPECTED, acceptedQuantityBase: p.acceptedBase, rejectedQuantityBase: p.rejectedBase, acceptedAmountFen: p.acceptedAmountFen };
  }

  private async updateConsignmentStatus(em: EntityManager, c: ConsignmentEntity, lines: ConsignmentLineEntity[]): Promise<void> {
    const status = consignmentStatusFromLines(lines);
    if (status !== c.status) {
      await em.getRepository(ConsignmentEntity).update({ id: c.id }, { status });
      c.status = status;
    }
  }

  /** qc_completed for the SMS, and one line_accepted per purchase-mode grade row (ledger source key = its id). */
  private events(c: ConsignmentEntity, plans: QcPlan[], written: WrittenQc[], corrected: boolean): DomainEvent[] {
    const completed: DomainEvent = {
      eventType: INTAKE_EVENTS.QC_COMPLETED, aggregateType: 'consignment', aggregateId: c.id,
      payload: {
        consignmentId: c.id, receiptNo: c.receiptNo, farmerId: c.farmerId, pointId: c.pointId, corrected,
        lines: plans.map((p, i) => ({
          lineId: p.line.id, lineNo: p.line.lineNo, productId: p.line.productId, qualityCheckId: written[i].qc.id,
          acceptedQuantityBase: p.acceptedBase, rejectedQuantityBase: p.rejectedBase, acceptedAmountFen: p.acceptedAmountFen,
          accepted: written[i].grades.map((g) => ({ gradeCode: g.gradeCode, quantityBase: g.quantityBase, amountFen: g.amountFen })),
          rejected: written[i].rejects.map((r) => ({ reason: r.reason, quantityBase: r.quantityBase, disposition: r.disposition })),
        })),
      },
    };
    const accepted: DomainEvent[] = plans.flatMap((p, i) => written[i].grades.filter((g) => g.settlementMode === SettlementMode.PURCHASE).map((g) => ({
      eventType: INTAKE_EVENTS.LINE_ACCEPTED, aggregateType: 'consignment', aggregateId: c.id,
      payload: {
        sourceKey: `qc-grade:${g.id}`, qualityCheckGradeId: g.id, consignmentId: c.id, lineId: p.line.id, farmerId: c.farmerId,
        pointId: c.pointId, productId: p.line.productId, gradeCode: g.gradeCode, quantityBase: g.quantityBase,
        priceFen: g.priceFen, priceUnitSizeBase: g.priceUnitSizeBase, amountFen: g.amountFen, capturedAt: c.capturedAt.toISOString(),
      },
    })));
    return [completed, ...accepted];
  }

  private async sameAsRecorded(em: EntityManager, targets: Array<{ line: ConsignmentLineEntity; hash: string }>): Promise<boolean> {
    const current = await em.getRepository(QualityCheckEntity).find({ where: { lineId: In(targets.map((t) => t.line.id)), supersededAt: IsNull() } });
    return targets.every((t) => current.some((q) => q.lineId === t.line.id && q.requestHash === t.hash));
  }
}
