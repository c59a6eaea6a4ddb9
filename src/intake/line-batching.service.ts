import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConflictError, DomainError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { ConsignmentEntity } from './consignment.entity';
import { consignmentStatusFromLines, LineStatus } from './intake-status';

/** A request to batch (part of) a consignment line; `quantityBase` absent means all that is left. */
export type LineClaim = { lineId: string; quantityBase?: number; field: string };

/** A claimed quantity and what the batch needs to know about its line. */
export type ClaimedLine = {
  lineId: string; consignmentId: string; farmerId: string; productId: string; quantityBase: number;
};

type LockedLine = {
  id: string; consignment_id: string; product_id: string; status: LineStatus;
  accepted_quantity_base: number; batched_quantity_base: number; handed_back_quantity_base: number; settlement_mode: string;
};

/**
 * What leaves the point, on the intake side: the only code that moves a line's `batched_quantity_base`
 * (batching) and `handed_back_quantity_base` (goods given back to the farmer) and its batching statuses.
 * Callers pass their transaction; consignments are locked before lines (the order QC uses), the
 * counters move with conditional UPDATEs whose affected rows are checked, and the CHECK constraint
 * `batched_quantity_base + handed_back_quantity_base <= accepted_quantity_base` backs them in the database.
 */
@Injectable()
export class LineBatchingService {
  /** Claims quantities of accepted lines at one point for a batch, or refuses the whole request. */
  async claim(em: EntityManager, scope: { companyId: string; pointId: string }, claims: LineClaim[]): Promise<ClaimedLine[]> {
    if (claims.length === 0) return [];
    const { consignments, lines } = await this.lock(em, claims.map((c) => c.lineId));
    const out: ClaimedLine[] = [];
    for (const claim of claims) {
      const line = lines.get(claim.lineId);
      const c = line ? consignments.get(line.consignment_id) : undefined;
      const f = claim.field;
      if (!line || !c || c.companyId !== scope.companyId) throw fieldRuleViolation('LINE_NOT_FOUND', f, '交售行不存在', 'consignment line not found');
      if (c.pointId !== scope.pointId) throw fieldRuleViolation('LINE_NOT_AT_POINT', f, '交售行不属于本批次的服务点', 'the line was taken in at another point');
      if (line.status === LineStatus.VOIDED) throw fieldRuleViolation('LINE_VOIDED', f, '交售行已作废', 'the line is voided');
      if (line.status === LineStatus.RECEIVED) throw fieldRuleViolation('LINE_NOT_INSPECTED', f, '交售行尚未质检', 'the line is not inspected yet');
      if (Number(line.accepted_quantity_base) === 0) throw fieldRuleViolation('LINE_NOTHING_ACCEPTED', f, '交售行没有合格数量（全部拒收）', 'nothing of the line was accepted');
      const available = atPoint(line);
      if (available <= 0 && Number(line.handed_back_quantity_base) > 0) {
        throw new ConflictError('LINE_HANDED_BACK', `${f}: 交售行剩余货品已退还农户`, `${f}: what was left of the line was given back to the farmer`,
          [{ field: f, message: '剩余货品已退还农户', messageEn: 'the rest was given back to the farmer' }]);
      }
      if (available <= 0) {
        throw new ConflictError('LINE_ALREADY_BATCHED', `${f}: 交售行已全部装批`, `${f}: the line's accepted quantity is already batched`,
          [{ field: f, message: '已全部装批', messageEn: 'already batched' }]);
      }
      const quantity = claim.quantityBase ?? available;
      if (quantity > available) {
        throw fieldRuleViolation('QUANTITY_EXCEEDS_AVAILABLE', f, `超过可装批数量 ${available}（基本单位）`, `more than the ${available} base units left to batch`);
      }
      // Status first: MariaDB evaluates SET left to right, so it must read the old counter.
      const result = await em.query(
        `UPDATE consignment_line SET status = IF(batched_quantity_base + handed_back_quantity_base + ? = accepted_quantity_base, ?, ?),
           batched_quantity_base = batched_quantity_base + ?
         WHERE id = ? AND status IN (?, ?, ?) AND batched_quantity_base + handed_back_quantity_base + ? <= accepted_quantity_base`,
        [quantity, LineStatus.BATCHED, LineStatus.PARTLY_BATCHED, quantity, line.id, LineStatus.INSPECTED, LineStatus.PARTLY_BATCHED, LineStatus.BATCHED, quantity],
      );
      if ((result as { affectedRows: number }).affectedRows !== 1) {
        throw new ConflictError('LINE_ALREADY_BATCHED', `${f}: 交售行已被装批`, `${f}: the line was batched meanwhile`);
      }
      line.batched_quantity_base = Number(line.batched_quantity_base) + quantity;
      out.push({ lineId: line.id, consignmentId: c.id, farmerId: c.farmerId, productId: line.product_id, quantityBase: quantity });
    }
    await this.refreshConsignmentStatuses(em, [...new Set(out.map((o) => o.consignmentId))]);
    return out;
  }

  /**
   * Gives consignment-mode goods still at the point back to their farmer: `quantityBase` (default: all
   * still at the point) leaves the line's batchable remainder for good. Returns the quantity given back.
   * A line whose remainder is thereby settled counts as done (BATCHED if part of it went into batches).
   */
  async handBack(em: EntityManager, lineId: string, quantityBase: number | undefined, field: string): Promise<{ consignmentId: string; productId: string; quantityBase: number }> {
    const { lines } = await this.lock(em, [lineId]);
    const line = lines.get(lineId)!;
    if (line.status === LineStatus.VOIDED) throw fieldRuleViolation('LINE_VOIDED', field, '交售行已作废', 'the line is voided');
    if (line.status === LineStatus.RECEIVED) throw fieldRuleViolation('LINE_NOT_INSPECTED', field, '交售行尚未质检（未质检的货品请作废交售单）', 'the line is not inspected yet (void the consignment instead)');
    if (line.settlement_mode !== 'CONSIGNMENT') {
      throw fieldRuleViolation('LINE_NOT_CONSIGNMENT', field, '收购的货品已归公司所有，不能退还农户', 'purchased goods belong to the company and are not handed back');
    }
    const available = atPoint(line);
    if (available <= 0) throw new ConflictError('LINE_NOTHING_AT_POINT', '这一行没有留在服务点的货品', 'nothing of this line is still at the point', [{ field, message: '没有留在服务点的货品', messageEn: 'nothing left at the point' }]);
    const quantity = quantityBase ?? available;
    if (quantity > available) {
      throw fieldRuleViolation('QUANTITY_EXCEEDS_AVAILABLE', 'quantityBase', `超过留在服务点的数量 ${available}（基本单位）`, `more than the ${available} base units still at the point`);
    }
    const result = await em.query(
      `UPDATE consignment_line SET status = IF(batched_quantity_base + handed_back_quantity_base + ? = accepted_quantity_base AND batched_quantity_base > 0, ?, status),
         handed_back_quantity_base = handed_back_quantity_base + ?
       WHERE id = ? AND batched_quantity_base + handed_back_quantity_base + ? <= accepted_quantity_base`,
      [quantity, LineStatus.BATCHED, quantity, lineId, quantity],
    );
    if ((result as { affectedRows: number }).affectedRows !== 1) throw new ConflictError('LINE_NOTHING_AT_POINT', '货品已被装批或退还', 'the goods were batched or given back meanwhile');
    await this.refreshConsignmentStatuses(em, [line.consignment_id]);
    return { consignmentId: line.consignment_id, productId: line.product_id, quantityBase: quantity };
  }

  /** Gives batched quantities back (a cancelled batch, an item removed while open). */
  async release(em: EntityManager, releases: Array<{ lineId: string; quantityBase: number }>): Promise<void> {
    const wanted = releases.filter((r) => r.quantityBase > 0);
    if (wanted.length === 0) return;
    const { lines } = await this.lock(em, wanted.map((r) => r.lineId));
    for (const r of wanted) {
      const result = await em.query(
        `UPDATE consignment_line SET status = IF(batched_quantity_base - ? = 0, ?, ?), batched_quantity_base = batched_quantity_base - ?
         WHERE id = ? AND batched_quantity_base >= ?`,
        [r.quantityBase, LineStatus.INSPECTED, LineStatus.PARTLY_BATCHED, r.quantityBase, r.lineId, r.quantityBase],
      );
      if ((result as { affectedRows: number }).affectedRows !== 1) {
        throw new DomainError('BATCH_RELEASE_MISMATCH', 500, '释放装批数量失败', `Line ${r.lineId} has less batched than released`);
      }
    }
    await this.refreshConsignmentStatuses(em, [...new Set(wanted.map((r) => lines.get(r.lineId)?.consignment_id).filter((x): x is string => !!x))]);
  }

  /** Locks the lines' consignments, then the lines, each in id order (no lock-order deadlocks). */
  private async lock(em: EntityManager, lineIds: string[]) {
    const ids = [...new Set(lineIds)];
    const heads = await em.query('SELECT DISTINCT consignment_id FROM consignment_line WHERE id IN (?)', [ids]) as Array<{ consignment_id: string }>;
    const consignments = new Map<string, ConsignmentEntity>();
    if (heads.length) {
      const rows = await em.getRepository(ConsignmentEntity).createQueryBuilder('c')
        .where('c.id IN (:...ids)', { ids: heads.map((h) => h.consignment_id) }).orderBy('c.id').setLock('pessimistic_write').getMany();
      for (const c of rows) consignments.set(c.id, c);
    }
    const lineRows = await em.query(
      `SELECT id, consignment_id, product_id, status, accepted_quantity_base, batched_quantity_base, handed_back_quantity_base, settlement_mode
       FROM consignment_line WHERE id IN (?) ORDER BY id FOR UPDATE`, [ids],
    ) as LockedLine[];
    return { consignments, lines: new Map(lineRows.map((l) => [String(l.id), { ...l, id: String(l.id), consignment_id: String(l.consignment_id), product_id: String(l.product_id) }])) };
  }

  private async refreshConsignmentStatuses(em: EntityManager, consignmentIds: string[]): Promise<void> {
    if (consignmentIds.length === 0) return;
    // what a line has to batch is its accepted quantity less what went back to the farmer
    const rows = await em.query(
      `SELECT consignment_id, status, CAST(accepted_quantity_base AS SIGNED) - CAST(handed_back_quantity_base AS SIGNED) AS acceptedQuantityBase
       FROM consignment_line WHERE consignment_id IN (?)`, [consignmentIds],
    ) as Array<{ consignment_id: string; status: LineStatus; acceptedQuantityBase: number | string }>;
    const current = await em.query('SELECT id, status FROM consignment WHERE id IN (?)', [consignmentIds]) as Array<{ id: string; status: string }>;
    for (const c of current) {
      const status = consignmentStatusFromLines(rows.filter((r) => String(r.consignment_id) === String(c.id))
        .map((r) => ({ status: r.status, acceptedQuantityBase: Number(r.acceptedQuantityBase) })));
      if (status !== c.status) await em.getRepository(ConsignmentEntity).update({ id: String(c.id) }, { status });
    }
  }
}

/** Accepted units of a line neither batched nor given back: still at the point. */
const atPoint = (l: LockedLine) => Number(l.accepted_quantity_base) - Number(l.batched_quantity_base) - Number(l.handed_back_quantity_base);
