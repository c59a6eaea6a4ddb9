import { Connection } from 'mysql2/promise';

/**
 * Checks a generated company against its own base rows, each as one set-based query that counts
 * violations (0 everywhere means consistent). Used by the generator's test and by
 * `npm run seed:scale -- --check`.
 */
export const INVARIANTS: Record<string, string> = {
  unbalancedPostings: `SELECT COUNT(*) AS n FROM (SELECT posting_id FROM ledger_entry WHERE company_id = :c GROUP BY posting_id HAVING SUM(amount_fen) <> 0) x`,
  ledgerTotalNonZero: `SELECT COALESCE(ABS(SUM(amount_fen)), 0) AS n FROM ledger_entry WHERE company_id = :c`,
  balancesNotSumOfEntries: `SELECT COUNT(*) AS n FROM ledger_account a
      LEFT JOIN (SELECT account_id, SUM(amount_fen) AS s FROM ledger_entry WHERE company_id = :c GROUP BY account_id) e ON e.account_id = a.id
      WHERE a.company_id = :c AND a.balance_fen <> COALESCE(e.s, 0)`,
  statementsNotSumOfItems: `SELECT COUNT(*) AS n FROM payout_statement s
      WHERE s.company_id = :c AND s.total_fen <> (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entry e WHERE e.account_id = s.account_id AND e.id > s.from_entry_id
        AND e.id <= s.through_entry_id AND e.kind IN ('EARNING', 'CHARGEBACK', 'ADJUSTMENT', 'REVERSAL', 'PAYOUT_REVERSAL'))`,
  payoutsNotStatementTotal: `SELECT COUNT(*) AS n FROM payout p JOIN payout_statement s ON s.id = p.statement_id WHERE p.company_id = :c AND p.amount_fen <> s.total_fen`,
  qcNotDelivered: `SELECT COUNT(*) AS n FROM consignment_line l JOIN consignment c ON c.id = l.consignment_id
      WHERE c.company_id = :c AND (l.accepted_quantity_base + l.rejected_quantity_base <> l.quantity_base OR l.batched_quantity_base > l.accepted_quantity_base
        OR l.accepted_quantity_base <> (SELECT COALESCE(SUM(g.quantity_base), 0) FROM quality_check_grade g WHERE g.line_id = l.id)
        OR l.rejected_quantity_base <> (SELECT COALESCE(SUM(r.quantity_base), 0) FROM quality_check_reject r WHERE r.line_id = l.id))`,
  batchItemsNotAccounted: `SELECT COUNT(*) AS n FROM batch_item i JOIN batch b ON b.id = i.batch_id
      WHERE b.company_id = :c AND (i.received_base + i.damaged_base + i.lost_base <> i.quantity_base + i.surplus_base
        OR i.damaged_base + i.lost_base <> (SELECT COALESCE(SUM(t.quantity_base), 0) FROM transit_loss t WHERE t.batch_item_id = i.id)
        OR i.received_base <> (SELECT COALESCE(SUM(r.received_base), 0) FROM batch_receipt_line r WHERE r.batch_item_id = i.id)
        OR i.processed_base > i.received_base)`,
  processingNotConserved: `SELECT COUNT(*) AS n FROM processing_record p
      WHERE p.company_id = :c AND (p.input_base <> p.output_base + p.loss_base
        OR p.input_base <> (SELECT COALESCE(SUM(i.quantity_base), 0) FROM processing_input i WHERE i.processing_id = p.id)
        OR p.output_base <> (SELECT COALESCE(SUM(l.packs_produced * k.content_base_per_pack), 0) FROM lot l JOIN sku k ON k.id = l.sku_id WHERE l.processing_id = p.id))`,
  provenanceNotLotContent: `SELECT COUNT(*) AS n FROM lot l JOIN sku k ON k.id = l.sku_id
      WHERE l.company_id = :c AND l.packs_produced * k.content_base_per_pack <> (SELECT COALESCE(SUM(v.quantity_base), 0) FROM lot_provenance v WHERE v.lot_id = l.id)`,
  lotStockNotProducedLessSold: `SELECT COUNT(*) AS n FROM lot l
      WHERE l.company_id = :c AND l.on_hand_packs <> l.packs_produced - (SELECT COALESCE(SUM(s.packs - s.refunded_packs), 0) FROM sale_line s WHERE s.lot_id = l.id)`,
  lotAllocationNotSales: `SELECT COUNT(*) AS n FROM lot_allocation a JOIN lot l ON l.id = a.lot_id
      WHERE l.company_id = :c AND (a.allocated_base <> (SELECT COALESCE(SUM(s.quantity_base), 0) FROM sale_allocation s WHERE s.lot_id = a.lot_id AND s.consignment_line_id = a.consignment_line_id)
        OR a.contributed_base <> (SELECT COALESCE(SUM(v.quantity_base), 0) FROM lot_provenance v WHERE v.lot_id = a.lot_id AND v.consignment_line_id = a.consignment_line_id))`,
  parcelDailyNotRecount: `SELECT COUNT(*) AS n FROM (
      SELECT point_id, carrier_id, day, direction, SUM(received) r, SUM(collected) c, SUM(returned) t, SUM(sent) s, SUM(wait) w, SUM(stored) st FROM (
        SELECT d.point_id, d.carrier_id, d.business_day AS day, d.direction, -d.received AS received, -d.collected AS collected, -d.returned AS returned, -d.sent AS sent, -CAST(d.pickup_wait_seconds AS SIGNED) AS wait, 1 AS stored
          FROM parcel_daily_count d JOIN commerce_point p ON p.id = d.point_id WHERE p.company_id = :c
        UNION ALL SELECT x.point_id, x.carrier_id, DATE(x.arrived_at + INTERVAL 8 HOUR), 'DOWN', 1, 0, 0, 0, 0, 0 FROM down_parcel x JOIN commerce_point p ON p.id = x.point_id WHERE p.company_id = :c
        UNION ALL SELECT x.point_id, x.carrier_id, DATE(x.collected_at + INTERVAL 8 HOUR), 'DOWN', 0, 1, 0, 0, FLOOR(TIMESTAMPDIFF(MICROSECOND, x.arrived_at, x.collected_at) / 1000000), 0
          FROM down_parcel x JOIN commerce_point p ON p.id = x.point_id WHERE p.company_id = :c AND x.collected_at IS NOT NULL
        UNION ALL SELECT x.point_id, x.carrier_id, DATE(x.returned_at + INTERVAL 8 HOUR), 'DOWN', 0, 0, 1, 0, 0, 0 FROM down_parcel x JOIN commerce_point p ON p.id = x.point_id WHERE p.company_id = :c AND x.returned_at IS NOT NULL
        UNION ALL SELECT x.point_id, x.carrier_id, DATE(x.sent_at + INTERVAL 8 HOUR), 'UP', 0, 0, 0, 1, 0, 0 FROM up_parcel x JOIN commerce_point p ON p.id = x.point_id WHERE p.company_id = :c
      ) u GROUP BY point_id, carrier_id, day, direction HAVING r <> 0 OR c <> 0 OR t <> 0 OR s <> 0 OR w <> 0) bad`,
  parcelRegionNotRollup: `SELECT COUNT(*) AS n FROM (
      SELECT region_id, period, period_start, carrier_id, direction, SUM(r) r, SUM(c) c, SUM(t) t, SUM(s) s, SUM(w) w FROM (
        SELECT region_id, period, period_start, carrier_id, direction, -received r, -collected c, -returned t, -sent s, -CAST(pickup_wait_seconds AS SIGNED) w FROM parcel_region_count WHERE company_id = :c
        UNION ALL
        SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(p.region_path, '/', k.depth + 1), '/', -1), per.period,
               CASE per.period WHEN 'D' THEN d.business_day WHEN 'M' THEN DATE_FORMAT(d.business_day, '%Y-%m-01') ELSE DATE_FORMAT(d.business_day, '%Y-01-01') END,
               d.carrier_id, d.direction, d.received, d.collected, d.returned, d.sent, d.pickup_wait_seconds
          FROM parcel_daily_count d JOIN commerce_point p ON p.id = d.point_id
          JOIN (SELECT 1 AS depth UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) k
            ON k.depth <= LENGTH(p.region_path) - LENGTH(REPLACE(p.region_path, '/', '')) - 1
          JOIN (SELECT 'D' AS period UNION ALL SELECT 'M' UNION ALL SELECT 'Y') per
         WHERE p.company_id = :c
      ) u GROUP BY region_id, period, period_start, carrier_id, direction HAVING r <> 0 OR c <> 0 OR t <> 0 OR s <> 0 OR w <> 0) bad`,
  openPickupCodesNotAwaiting: `SELECT COUNT(*) AS n FROM down_parcel x JOIN commerce_point p ON p.id = x.point_id
      WHERE p.company_id = :c AND ((x.status = 'AWAITING_PICKUP') <> (x.open_pickup_code IS NOT NULL))`,
};

/** Runs every check; returns the violation count of each (all 0 when consistent). */
export async function checkInvariants(conn: Connection, companyId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries(INVARIANTS)) {
    const params: string[] = [];
    const text = sql.replace(/:c/g, () => { params.push(companyId); return '?'; });
    const [[row]] = await conn.query(text, params) as unknown as [[{ n: string | number }]];
    out[name] = Number(row.n);
  }
  return out;
}
