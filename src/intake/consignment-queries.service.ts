import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { scopeByPoint } from '../common/access/scope';
import { businessDay, businessDayRange } from '../common/business-day';
import { NotFoundError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { aggregateToNumber, toSafeInteger } from '../database/transformers/bigint.transformer';
import { ExportSource, keysetSource } from '../exports/keyset-source';
import { FarmersService } from '../farmers/farmers.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { ConsignmentLineEntity } from './consignment-line.entity';
import { toConsignmentDto } from './consignment-views';
import { ConsignmentEntity } from './consignment.entity';
import { ConsignmentDto, QualityCheckView } from './dto/consignment.dto';
import { DaySheetDto } from './dto/day-sheet.dto';
import { ListConsignmentsQueryDto } from './dto/list-consignments-query.dto';
import { IntakeAmendmentEntity } from './intake-amendment.entity';
import { ConsignmentStatus, REJECT_REASON_ZH, RejectReason } from './intake-status';
import { QualityCheckGradeEntity } from './quality-check-grade.entity';
import { QualityCheckRejectEntity } from './quality-check-reject.entity';
import { QualityCheckEntity } from './quality-check.entity';

/** One consignment as the export writes it. */
export type ConsignmentExportRow = {
  id: string; receiptNo: string; businessDay: string; capturedAt: Date; receivedAt: Date; status: ConsignmentStatus; lineCount: number;
  estimatedAmountFen: number; pointId: string; pointCode: string; pointName: string; farmerId: string; farmerName: string;
  note: string | null; voidReason: string | null;
};

const consignmentNotFound = () => new NotFoundError('交售单', 'Consignment', 'CONSIGNMENT_NOT_FOUND');

/** Reads of consignments: lists (scoped, indexed filters), detail, a farmer's history, a point's day sheet. */
@Injectable()
export class ConsignmentQueriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly points: CommercePointsService,
    private readonly farmers: FarmersService,
    private readonly catalog: CatalogService,
  ) {}

  list(actor: Principal, query: ListConsignmentsQueryDto): Promise<Page<ConsignmentDto>> {
    return paginate(this.listQuery(actor, query), 'c.id', query, (c) => toConsignmentDto(c));
  }

  /**
   * The export of the list: same filters and scope, every matching row (keyset chunks, newest
   * first), with the point and farmer names joined per chunk by primary key.
   */
  exportSource(actor: Principal, query: Omit<ListConsignmentsQueryDto, 'limit' | 'cursor'>): ExportSource<ConsignmentExportRow> {
    // One point in effect (a filter, or an agent of one point): walk that point's rows; else the company's.
    const onePoint = query.pointId ?? (actor.role === Role.AGENT && actor.pointIds.length === 1 ? actor.pointIds[0] : undefined);
    return keysetSource(this.listQuery(actor, query), {
      idColumn: 'c.id',
      index: onePoint ? 'idx_consignment_point_id' : 'idx_consignment_company_id',
      select: (qb) => qb.select([
        'c.id AS id', 'c.receipt_no AS receiptNo', 'c.business_day AS businessDay', 'c.captured_at AS capturedAt',
        'c.received_at AS receivedAt', 'c.status AS status', 'c.line_count AS lineCount', 'c.estimated_amount_fen AS estimatedAmountFen',
        'c.point_id AS pointId', 'cp.code AS pointCode', 'cp.name AS pointName', 'c.farmer_id AS farmerId', 'f.name AS farmerName',
        'c.note AS note', 'c.void_reason AS voidReason',
      ]).leftJoin('commerce_point', 'cp', 'cp.id = c.point_id').leftJoin('farmer', 'f', 'f.id = c.farmer_id'),
      map: (r) => ({
        id: String(r.id), receiptNo: String(r.receiptNo), businessDay: String(r.businessDay), capturedAt: r.capturedAt as Date,
        receivedAt: r.receivedAt as Date, status: r.status as ConsignmentStatus, lineCount: Number(r.lineCount),
        estimatedAmountFen: toSafeInteger(r.estimatedAmountFen), pointId: String(r.pointId), pointCode: (r.pointCode as string) ?? '',
        pointName: (r.pointName as string) ?? '', farmerId: String(r.farmerId), farmerName: (r.farmerName as string) ?? '',
        note: (r.note as string | null) ?? null, voidReason: (r.voidReason as string | null) ?? null,
      }),
    });
  }

  /** The list's query: the caller's scope and every filter (each backed by an index). */
  private listQuery(actor: Principal, query: Omit<ListConsignmentsQueryDto, 'limit' | 'cursor'>) {
    const qb = this.dataSource.getRepository(ConsignmentEntity).createQueryBuilder('c')
      .where('c.company_id = :companyId', { companyId: actor.companyId });
    scopeByPoint(qb, 'c.point_id', actor);
    if (query.pointId) qb.andWhere('c.point_id = :pointId', { pointId: query.pointId });
    if (query.farmerId) qb.andWhere('c.farmer_id = :farmerId', { farmerId: query.farmerId });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.from) qb.andWhere('c.captured_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('c.captured_at < :to', { to: new Date(query.to) });
    if (query.productId) {
      qb.andWhere('EXISTS (SELECT 1 FROM consignment_line l WHERE l.consignment_id = c.id AND l.product_id = :productId)', { productId: query.productId });
    }
    return qb;
  }

  /** A farmer's consignments at the points the caller can see. */
  async farmerHistory(actor: Principal, farmerId: string, query: ListConsignmentsQueryDto): Promise<Page<ConsignmentDto>> {
    await this.farmers.requireFarmerInCompany(actor.companyId, farmerId);
    return this.list(actor, { ...query, farmerId });
  }

  /** A farmer's own consignments with lines and current QC (farmer app, SMS 查询); newest first. */
  async listForFarmer(companyId: string, farmerId: string, query: { limit?: number; cursor?: string }): Promise<Page<ConsignmentDto>> {
    const qb = this.dataSource.getRepository(ConsignmentEntity).createQueryBuilder('c')
      .where('c.company_id = :companyId AND c.farmer_id = :farmerId', { companyId, farmerId });
    const page = await paginate(qb, 'c.id', query, (c) => c);
    const items: ConsignmentDto[] = [];
    for (const c of page.items) items.push(await this.loadDetail(this.dataSource.manager, c));
    return { items, nextCursor: page.nextCursor };
  }

  /** One consignment with lines, their current QC and amendments, if the caller can see its point. */
  async get(actor: Principal, id: string): Promise<ConsignmentDto> {
    const c = await this.dataSource.getRepository(ConsignmentEntity).findOneBy({ id });
    if (!c || c.companyId !== actor.companyId) throw consignmentNotFound();
    await this.points.requireVisiblePoint(actor, c.pointId).catch((err) => {
      throw err instanceof NotFoundError ? consignmentNotFound() : err;
    });
    return this.loadDetail(this.dataSource.manager, c);
  }

  async loadDetail(em: EntityManager, c: ConsignmentEntity): Promise<ConsignmentDto> {
    const lines = await em.getRepository(ConsignmentLineEntity).find({ where: { consignmentId: c.id }, order: { lineNo: 'ASC' } });
    const checks = await em.getRepository(QualityCheckEntity).find({ where: { consignmentId: c.id, supersededAt: IsNull() } });
    const checkIds = checks.map((q) => q.id);
    const [grades, rejects, amendments] = await Promise.all([
      checkIds.length ? em.getRepository(QualityCheckGradeEntity).find({ where: { qualityCheckId: In(checkIds) }, order: { id: 'ASC' } }) : [],
      checkIds.length ? em.getRepository(QualityCheckRejectEntity).find({ where: { qualityCheckId: In(checkIds) }, order: { id: 'ASC' } }) : [],
      em.getRepository(IntakeAmendmentEntity).find({ where: { consignmentId: c.id }, order: { id: 'ASC' } }),
    ]);
    const qcByLine = new Map<string, QualityCheckView>();
    for (const q of checks) {
      qcByLine.set(q.lineId, {
        id: q.id, revision: q.revision, checkedBy: q.checkedBy, checkedAt: q.checkedAt, acceptedQuantityBase: q.acceptedQuantityBase,
        rejectedQuantityBase: q.rejectedQuantityBase, measuredWeightGrams: q.measuredWeightGrams, checklist: q.checklist, note: q.note,
        accepted: grades.filter((g) => g.qualityCheckId === q.id).map((g) => ({ id: g.id, gradeCode: g.gradeCode, quantityBase: g.quantityBase, priceFen: g.priceFen, priceUnitSizeBase: g.priceUnitSizeBase, amountFen: g.amountFen })),
        rejected: rejects.filter((r) => r.qualityCheckId === q.id).map((r) => ({ id: r.id, reason: r.reason, quantityBase: r.quantityBase, disposition: r.disposition, note: r.note })),
      });
    }
    return toConsignmentDto(c, lines, qcByLine, amendments);
  }

  /**
   * The agent's end-of-day view of a point: per product, delivered / accepted / rejected /
   * not yet inspected, accepted per grade with amounts, rejected per reason. Voided consignments
   * are counted apart. Three aggregate queries over the point's day (index point_id, captured_at).
   */
  async daySheet(actor: Principal, pointId: string, day = businessDay(new Date())): Promise<DaySheetDto> {
    const point = await this.points.requireVisiblePoint(actor, pointId);
    const { start, end } = businessDayRange(day);
    const scope = 'c.point_id = ? AND c.captured_at >= ? AND c.captured_at < ?';
    const args = [pointId, start, end];
    const [header] = await this.dataSource.query(
      `SELECT COUNT(*) AS consignments, SUM(c.status = 'VOIDED') AS voided, COUNT(DISTINCT CASE WHEN c.status <> 'VOIDED' THEN c.farmer_id END) AS farmers
       FROM consignment c WHERE ${scope}`, args);
    const lines: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT l.product_id, SUM(l.quantity_base) AS delivered, SUM(l.accepted_quantity_base) AS accepted,
              SUM(l.rejected_quantity_base) AS rejected, SUM(CASE WHEN l.status = 'RECEIVED' THEN l.quantity_base ELSE 0 END) AS uninspected,
              SUM(l.accepted_amount_fen) AS accepted_amount, COUNT(*) AS line_count
       FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id
       WHERE ${scope} AND c.status <> 'VOIDED' GROUP BY l.product_id ORDER BY l.product_id`, args);
    const grades: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT l.product_id, g.grade_code, SUM(g.quantity_base) AS quantity, SUM(g.amount_fen) AS amount
       FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id
       JOIN quality_check q ON q.line_id = l.id AND q.superseded_at IS NULL
       JOIN quality_check_grade g ON g.quality_check_id = q.id
       WHERE ${scope} AND c.status <> 'VOIDED' GROUP BY l.product_id, g.grade_code ORDER BY l.product_id, g.grade_code`, args);
    const rejects: Array<Record<string, string>> = await this.dataSource.query(
      `SELECT l.product_id, r.reason, SUM(r.quantity_base) AS quantity
       FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id
       JOIN quality_check q ON q.line_id = l.id AND q.superseded_at IS NULL
       JOIN quality_check_reject r ON r.quality_check_id = q.id
       WHERE ${scope} AND c.status <> 'VOIDED' GROUP BY l.product_id, r.reason ORDER BY l.product_id, r.reason`, args);
    const products = await this.catalog.loadForIntake(actor.companyId, lines.map((l) => String(l.product_id)), new Date());
    const n = aggregateToNumber;
    return {
      pointId, pointCode: point.code, day,
      consignmentCount: n(header?.consignments) - n(header?.voided), voidedCount: n(header?.voided), farmerCount: n(header?.farmers),
      products: lines.map((l) => {
        const productId = String(l.product_id);
        const product = products.get(productId)?.product;
        return {
          productId, productName: product?.name ?? '', baseUnit: product?.baseUnit ?? null, lineCount: n(l.line_count),
          deliveredQuantityBase: n(l.delivered), acceptedQuantityBase: n(l.accepted), rejectedQuantityBase: n(l.rejected),
          uninspectedQuantityBase: n(l.uninspected), acceptedAmountFen: n(l.accepted_amount),
          acceptedByGrade: grades.filter((g) => String(g.product_id) === productId).map((g) => ({
            gradeCode: g.grade_code, gradeName: product?.grades.find((x) => x.code === g.grade_code)?.name ?? g.grade_code,
            quantityBase: n(g.quantity), amountFen: n(g.amount),
          })),
          rejectedByReason: rejects.filter((r) => String(r.product_id) === productId).map((r) => ({
            reason: r.reason as RejectReason, reasonName: REJECT_REASON_ZH[r.reason as RejectReason] ?? r.reason, quantityBase: n(r.quantity),
          })),
        };
      }),
    };
  }

  /** For the ledger: who took in a consignment, where and for which company (null if unknown). */
  async ledgerContext(consignmentId: string, em?: EntityManager): Promise<{ companyId: string; pointId: string; farmerId: string; createdBy: string } | null> {
    const c = await (em ?? this.dataSource.manager).getRepository(ConsignmentEntity).findOne({
      select: { id: true, companyId: true, pointId: true, farmerId: true, createdBy: true }, where: { id: consignmentId },
    });
    return c ? { companyId: c.companyId, pointId: c.pointId, farmerId: c.farmerId, createdBy: c.createdBy } : null;
  }
}
