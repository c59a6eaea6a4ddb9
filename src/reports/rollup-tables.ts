/**
 * The sum roll-ups and how each is recomputed from the base tables for one company and one
 * Asia/Shanghai business day. Each `base` query returns point-level rows (`point_id`, the
 * dimensions, the measures); the job writes them as point rows, sums them into every region above
 * the point and into the company, per day and per month (see RollupsService).
 *
 * Day attribution (what makes a figure belong to a day):
 * - intake, QC, rejects: the consignment's business day (day of capture at the point);
 * - transit loss: the day the loss was recorded at receiving; the point is the batch's;
 * - sales: the sale's day (`sold_at`), refunds the refund's day; the point is the one whose goods
 *   were sold (each sale allocation's consignment line);
 * - earnings: the day a ledger entry was posted (`created_at`, immutable), statements the day they
 *   were created, payouts the day they were paid; the point is the entry's point, else the farmer's
 *   usual point (payouts carry their statement's point);
 * - commissions: the day posted, at the entry's point (entries without a point are not counted);
 * - village income: EARNING entries as in earnings, under the village (region) of the point.
 */
export type DayWindow = { companyId: string; day: string; start: Date; end: Date };

export type SumRollup = {
  table: string;
  dims: string[];
  measures: string[];
  base: (w: DayWindow) => { sql: string; params: unknown[] };
};

const FARMER_PAYABLE = `a.owner_type = 'FARMER' AND a.account_type = 'FARMER_PAYABLE'`;

export const SUM_ROLLUPS: SumRollup[] = [
  {
    table: 'rpt_intake',
    dims: ['product_id', 'grade_code'],
    measures: ['line_count', 'quantity_base', 'amount_fen'],
    base: (w) => ({
      sql: `SELECT c.point_id, l.product_id, g.grade_code, COUNT(*) AS line_count, SUM(g.quantity_base) AS quantity_base, SUM(g.amount_fen) AS amount_fen
              FROM consignment c
              JOIN consignment_line l ON l.consignment_id = c.id AND l.status <> 'VOIDED'
              JOIN quality_check q ON q.line_id = l.id AND q.superseded_at IS NULL
              JOIN quality_check_grade g ON g.quality_check_id = q.id
             WHERE c.company_id = ? AND c.captured_at >= ? AND c.captured_at < ? AND c.business_day = ? AND c.status <> 'VOIDED'
             GROUP BY c.point_id, l.product_id, g.grade_code`,
      params: [w.companyId, w.start, w.end, w.day],
    }),
  },
  {
    table: 'rpt_qc',
    dims: ['product_id'],
    measures: ['line_count', 'delivered_base', 'inspected_line_count', 'accepted_base', 'rejected_base'],
    base: (w) => ({
      sql: `SELECT c.point_id, l.product_id, COUNT(*) AS line_count, SUM(l.quantity_base) AS delivered_base,
                   SUM(l.status <> 'RECEIVED') AS inspected_line_count, SUM(l.accepted_quantity_base) AS accepted_base,
                   SUM(l.rejected_quantity_base) AS rejected_base
              FROM consignment c JOIN consignment_line l ON l.consignment_id = c.id AND l.status <> 'VOIDED'
             WHERE c.company_id = ? AND c.captured_at >= ? AND c.captured_at < ? AND c.business_day = ? AND c.status <> 'VOIDED'
             GROUP BY c.point_id, l.product_id`,
      params: [w.companyId, w.start, w.end, w.day],
    }),
  },
  {
    table: 'rpt_qc_reject',
    dims: ['product_id', 'reason'],
    measures: ['line_count', 'quantity_base'],
    base: (w) => ({
      sql: `SELECT c.point_id, l.product_id, r.reason, COUNT(DISTINCT l.id) AS line_count, SUM(r.quantity_base) AS quantity_base
              FROM consignment c
              JOIN consignment_line l ON l.consignment_id = c.id AND l.status <> 'VOIDED'
              JOIN quality_check q ON q.line_id = l.id AND q.superseded_at IS NULL
              JOIN quality_check_reject r ON r.quality_check_id = q.id
             WHERE c.company_id = ? AND c.captured_at >= ? AND c.captured_at < ? AND c.business_day = ? AND c.status <> 'VOIDED'
             GROUP BY c.point_id, l.product_id, r.reason`,
      params: [w.companyId, w.start, w.end, w.day],
    }),
  },
  {
    table: 'rpt_transit_loss',
    dims: ['product_id', 'cause'],
    measures: ['loss_count', 'quantity_base'],
    base: (w) => ({
      sql: `SELECT b.point_id, t.product_id, t.cause, COUNT(*) AS loss_count, SUM(t.quantity_base) AS quantity_base
              FROM transit_loss t JOIN batch b ON b.id = t.batch_id
             WHERE t.created_at >= ? AND t.created_at < ? AND b.company_id = ?
             GROUP BY b.point_id, t.product_id, t.cause`,
      params: [w.start, w.end, w.companyId],
    }),
  },
  {
    table: 'rpt_sales',
    dims: ['channel_kind'],
    measures: ['allocation_count', 'units_base', 'revenue_fen', 'farmer_fen', 'commission_fen', 'refunded_units_base', 'refunded_farmer_fen'],
    base: (w) => ({
      sql: `SELECT c.point_id, sl.channel_kind, COUNT(*) AS allocation_count, SUM(a.quantity_base) AS units_base, SUM(a.revenue_fen) AS revenue_fen,
                   SUM(a.farmer_amount_fen) AS farmer_fen, SUM(a.agent_commission_fen + a.collective_share_fen) AS commission_fen,
                   0 AS refunded_units_base, 0 AS refunded_farmer_fen
              FROM sale s JOIN sale_line sl ON sl.sale_id = s.id
              JOIN sale_allocation a ON a.sale_line_id = sl.id
              JOIN consignment_line l ON l.id = a.consignment_line_id JOIN consignment c ON c.id = l.consignment_id
             WHERE s.company_id = ? AND s.sold_at >= ? AND s.sold_at < ?
             GROUP BY c.point_id, sl.channel_kind
            UNION ALL
            SELECT c.point_id, sl.channel_kind, 0, 0, 0, 0, 0, SUM(ra.quantity_base), SUM(ra.farmer_amount_fen)
              FROM sale_refund r JOIN sale_line sl ON sl.id = r.sale_line_id
              JOIN refund_allocation ra ON ra.refund_id = r.id JOIN sale_allocation a ON a.id = ra.allocation_id
              JOIN consignment_line l ON l.id = a.consignment_line_id JOIN consignment c ON c.id = l.consignment_id
             WHERE r.company_id = ? AND r.created_at >= ? AND r.created_at < ?
             GROUP BY c.point_id, sl.channel_kind`,
      params: [w.companyId, w.start, w.end, w.companyId, w.start, w.end],
    }),
  },
  {
    table: 'rpt_earnings',
    dims: ['hardship'],
    measures: ['earned_fen', 'adjustments_fen', 'balance_change_fen', 'settled_fen', 'statement_count', 'paid_fen', 'payout_count'],
    base: (w) => ({
      sql: `SELECT COALESCE(e.point_id, f.usual_point_id) AS point_id, f.hardship,
                   SUM(CASE WHEN e.kind = 'EARNING' THEN e.amount_fen ELSE 0 END) AS earned_fen,
                   SUM(CASE WHEN e.kind IN ('CHARGEBACK', 'REVERSAL', 'ADJUSTMENT') THEN e.amount_fen ELSE 0 END) AS adjustments_fen,
                   SUM(e.amount_fen) AS balance_change_fen, 0 AS settled_fen, 0 AS statement_count, 0 AS paid_fen, 0 AS payout_count
              FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
             WHERE e.company_id = ? AND e.kind IN ('EARNING', 'CHARGEBACK', 'REVERSAL', 'ADJUSTMENT', 'PAYOUT', 'PAYOUT_REVERSAL')
               AND e.created_at >= ? AND e.created_at < ? AND ${FARMER_PAYABLE}
             GROUP BY COALESCE(e.point_id, f.usual_point_id), f.hardship
            UNION ALL
            SELECT s.point_id, f.hardship, 0, 0, 0, SUM(s.total_fen), COUNT(*), 0, 0
              FROM payout_statement s JOIN farmer f ON f.id = s.farmer_id
             WHERE s.company_id = ? AND s.created_at >= ? AND s.created_at < ?
             GROUP BY s.point_id, f.hardship
            UNION ALL
            SELECT p.point_id, f.hardship, 0, 0, 0, 0, 0, SUM(p.amount_fen), COUNT(*)
              FROM payout p JOIN farmer f ON f.id = p.farmer_id
             WHERE p.company_id = ? AND p.paid_at >= ? AND p.paid_at < ? AND p.status = 'PAID'
             GROUP BY p.point_id, f.hardship`,
      params: [w.companyId, w.start, w.end, w.companyId, w.start, w.end, w.companyId, w.start, w.end],
    }),
  },
  {
    table: 'rpt_commission',
    dims: ['beneficiary_type', 'beneficiary_id'],
    measures: ['amount_fen', 'entry_count'],
    base: (w) => ({
      sql: `SELECT e.point_id, a.owner_type AS beneficiary_type, a.owner_id AS beneficiary_id, SUM(e.amount_fen) AS amount_fen, COUNT(*) AS entry_count
              FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
             WHERE e.company_id = ? AND e.kind IN ('COMMISSION', 'COLLECTIVE_SHARE', 'REVERSAL') AND e.created_at >= ? AND e.created_at < ?
               AND e.point_id IS NOT NULL
               AND ((a.owner_type = 'AGENT' AND a.account_type = 'COMMISSION_PAYABLE') OR (a.owner_type = 'VILLAGE_COLLECTIVE' AND a.account_type = 'COLLECTIVE_PAYABLE'))
             GROUP BY e.point_id, a.owner_type, a.owner_id`,
      params: [w.companyId, w.start, w.end],
    }),
  },
  {
    table: 'rpt_village_income',
    dims: ['village_id', 'hardship'],
    measures: ['earned_fen'],
    base: (w) => ({
      sql: `SELECT cp.id AS point_id, cp.region_id AS village_id, f.hardship, SUM(e.amount_fen) AS earned_fen
              FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
              JOIN commerce_point cp ON cp.id = COALESCE(e.point_id, f.usual_point_id)
             WHERE e.company_id = ? AND e.kind = 'EARNING' AND e.created_at >= ? AND e.created_at < ? AND ${FARMER_PAYABLE}
             GROUP BY cp.id, cp.region_id, f.hardship`,
      params: [w.companyId, w.start, w.end],
    }),
  },
];

/**
 * Farmer activity of the day per point: served = brought goods (a consignment not voided);
 * active = served, or money moved on their account (an entry posted that day at that point).
 */
export function farmerDayBase(w: DayWindow): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT point_id, farmer_id, MAX(served) AS served FROM (
            SELECT c.point_id, c.farmer_id, 1 AS served
              FROM consignment c
             WHERE c.company_id = ? AND c.captured_at >= ? AND c.captured_at < ? AND c.business_day = ? AND c.status <> 'VOIDED'
            UNION ALL
            SELECT COALESCE(e.point_id, f.usual_point_id), f.id, 0
              FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id JOIN farmer f ON f.id = a.owner_id
             WHERE e.company_id = ? AND e.kind IN ('EARNING', 'CHARGEBACK', 'REVERSAL', 'ADJUSTMENT', 'PAYOUT', 'PAYOUT_REVERSAL')
               AND e.created_at >= ? AND e.created_at < ? AND ${FARMER_PAYABLE}
          ) x GROUP BY point_id, farmer_id`,
    params: [w.companyId, w.start, w.end, w.day, w.companyId, w.start, w.end],
  };
}
