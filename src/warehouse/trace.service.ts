import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { NotFoundError } from '../common/errors/domain-error';
import { ConsignmentQueriesService } from '../intake/consignment-queries.service';
import { InventoryService, toLotView } from './inventory.service';
import { ProcessingService } from './processing.service';
import { isTraceCodeShape } from './trace-code';
import { buildPublicTraceSummaries, PublicTraceSummary, shanghaiDay, storePublicTraceSummaries } from './public-trace-summary';

/** The same answer for a code that never existed and one that is malformed: nothing to learn from a 404. */
const traceNotFound = () => new NotFoundError('溯源码', 'Trace code', 'TRACE_CODE_NOT_FOUND');


const dateOnly = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Traceability: the public page of a lot by its code, and staff's trace back (lot → farmers) and forward (consignment → lots). */
@Injectable()
export class TraceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inventory: InventoryService,
    private readonly processing: ProcessingService,
    private readonly consignments: ConsignmentQueriesService,
  ) {}

  /**
   * The public trace page: product, villages, intake dates, QC, warehouse, packing and best-before;
   * names masked unless the farmer consents. Reads the lot's stored summary (one row) and the full
   * names of consenting contributors only; a lot packed before summaries existed gets one built and
   * stored on its first view.
   */
  async publicTrace(rawCode: string) {
    const code = rawCode.trim().toUpperCase();
    if (!isTraceCodeShape(code)) throw traceNotFound();
    const [lot] = await this.dataSource.query(
      `SELECT l.id, l.lot_no, l.best_before, l.packed_at, l.public_trace, s.name AS sku_name, s.content_base_per_pack, s.content_unit,
              p.name AS product_name, p.category, w.name AS warehouse_name
       FROM lot l JOIN sku s ON s.id = l.sku_id JOIN product p ON p.id = l.product_id JOIN warehouse w ON w.id = l.warehouse_id
       WHERE l.trace_code = ?`, [code],
    );
    if (!lot) throw traceNotFound();
    const summary = await this.summaryOf(String(lot.id), lot.public_trace);
    const farmerIds = [...new Set(summary.contributors.map((c) => c.farmerId))];
    const named: Array<{ id: string; name: string }> = farmerIds.length
      ? await this.dataSource.query('SELECT id, name FROM farmer WHERE id IN (?) AND show_name_on_trace = 1', [farmerIds])
      : [];
    const fullNames = new Map(named.map((f) => [String(f.id), f.name]));
    const contributors = summary.contributors.map((c) => ({
      farmer: fullNames.get(c.farmerId) ?? c.maskedName,
      village: c.village,
      intakeDate: c.intakeDate,
      quantityBase: c.quantityBase,
      qc: c.qc,
    }));
    const villages = [...new Set(contributors.map((c) => c.village).filter((v): v is string => !!v))];
    const dates = contributors.map((c) => c.intakeDate).sort();
    return {
      traceCode: code, lotNo: lot.lot_no,
      product: { name: lot.product_name, category: lot.category },
      sku: { name: lot.sku_name, contentBasePerPack: Number(lot.content_base_per_pack), contentUnit: lot.content_unit },
      villagesOfOrigin: villages,
      intakeDates: dates.length ? { from: dates[0], to: dates[dates.length - 1] } : null,
      warehouse: lot.warehouse_name, packedDate: shanghaiDay(lot.packed_at), bestBefore: dateOnly(lot.best_before),
      contributors,
    };
  }

  private async summaryOf(lotId: string, stored: unknown): Promise<PublicTraceSummary> {
    if (stored) return (typeof stored === 'string' ? JSON.parse(stored) : stored) as PublicTraceSummary;
    const built = await buildPublicTraceSummaries(this.dataSource.manager, [lotId]);
    await storePublicTraceSummaries(this.dataSource.manager, built);
    return built.get(lotId) as PublicTraceSummary;
  }


  /** Staff: a lot back to every consignment line, batch and farmer, with quantities. */
  async lotTrace(actor: Principal, lotId: string) {
    const lot = await this.inventory.requireVisibleLot(actor, lotId);
    const rows = await this.dataSource.query(
      `SELECT lp.consignment_line_id, lp.batch_item_id, lp.farmer_id, lp.quantity_base, f.name AS farmer_name, c.id AS consignment_id, c.receipt_no,
              c.point_id, c.captured_at, cl.line_no, bi.batch_id, b.batch_no
       FROM lot_provenance lp
       JOIN consignment_line cl ON cl.id = lp.consignment_line_id JOIN consignment c ON c.id = cl.consignment_id
       JOIN farmer f ON f.id = lp.farmer_id JOIN batch_item bi ON bi.id = lp.batch_item_id JOIN batch b ON b.id = bi.batch_id
       WHERE lp.lot_id = ? ORDER BY lp.id`, [lotId],
    ) as Array<Record<string, unknown>>;
    return {
      lot: toLotView(lot),
      processing: await this.processing.view(this.dataSource.manager, lot.processingId),
      contributors: rows.map((r) => ({
        consignmentLineId: String(r.consignment_line_id), lineNo: Number(r.line_no), consignmentId: String(r.consignment_id), receiptNo: r.receipt_no,
        pointId: String(r.point_id), capturedAt: r.captured_at, farmerId: String(r.farmer_id), farmerName: r.farmer_name,
        batchId: String(r.batch_id), batchNo: r.batch_no, batchItemId: String(r.batch_item_id), quantityBase: Number(r.quantity_base),
      })),
    };
  }

  /** Staff: a consignment forward to the batches and lots its lines went into, the sales of those lots' units and what the unsold-goods job did. */
  async consignmentTrace(actor: Principal, consignmentId: string) {
    const consignment = await this.consignments.get(actor, consignmentId);
    const lineIds = (consignment.lines ?? []).map((l) => l.id);
    if (lineIds.length === 0) return { consignmentId, receiptNo: consignment.receiptNo, batches: [], lots: [], sales: [], unsold: [] };
    const [batches, lots, sales, unsold] = await Promise.all([
      this.dataSource.query(
        `SELECT bi.id AS batch_item_id, bi.consignment_line_id, bi.quantity_base, bi.received_base, bi.damaged_base, bi.lost_base, bi.processed_base,
                bi.charged_back_base, b.id AS batch_id, b.batch_no, b.status, b.warehouse_id
         FROM batch_item bi JOIN batch b ON b.id = bi.batch_id WHERE bi.consignment_line_id IN (?) ORDER BY bi.id`, [lineIds]),
      this.dataSource.query(
        `SELECT lp.consignment_line_id, lp.quantity_base, l.id AS lot_id, l.lot_no, l.trace_code, l.sku_id, l.warehouse_id, l.best_before
         FROM lot_provenance lp JOIN lot l ON l.id = lp.lot_id WHERE lp.consignment_line_id IN (?) ORDER BY lp.id`, [lineIds]),
      // per lot and sale line: the units of this consignment's lines it sold and what they earned (the sales module's tables)
      this.dataSource.query(
        `SELECT a.lot_id, a.sale_line_id, sl.sale_id, sl.channel_kind, s.channel_id, sl.sold_at, sl.unit_price_fen,
                SUM(a.quantity_base) AS units, SUM(a.refunded_base) AS refunded, SUM(a.farmer_amount_fen) AS farmer_fen
         FROM sale_allocation a JOIN sale_line sl ON sl.id = a.sale_line_id JOIN sale s ON s.id = sl.sale_id
         WHERE a.consignment_line_id IN (?) GROUP BY a.lot_id, a.sale_line_id ORDER BY a.lot_id, a.sale_line_id LIMIT 5000`, [lineIds]),
      this.dataSource.query(
        `SELECT lot_id, consignment_line_id, stage, policy, unsold_base, amount_fen, business_day, period_ends_at, created_at
         FROM unsold_action WHERE consignment_line_id IN (?) ORDER BY id`, [lineIds]),
    ]) as [Array<Record<string, unknown>>, Array<Record<string, unknown>>, Array<Record<string, unknown>>, Array<Record<string, unknown>>];
    return {
      consignmentId, receiptNo: consignment.receiptNo,
      batches: batches.map((r) => ({
        batchId: String(r.batch_id), batchNo: r.batch_no, status: r.status, warehouseId: String(r.warehouse_id), batchItemId: String(r.batch_item_id),
        consignmentLineId: String(r.consignment_line_id), quantityBase: Number(r.quantity_base), receivedBase: Number(r.received_base),
        damagedBase: Number(r.damaged_base), lostBase: Number(r.lost_base), processedBase: Number(r.processed_base), chargedBackBase: Number(r.charged_back_base),
      })),
      lots: lots.map((r) => ({
        lotId: String(r.lot_id), lotNo: r.lot_no, traceCode: r.trace_code, skuId: String(r.sku_id), warehouseId: String(r.warehouse_id),
        bestBefore: dateOnly(r.best_before), consignmentLineId: String(r.consignment_line_id), quantityBase: Number(r.quantity_base),
      })),
      sales: sales.map((r) => ({
        lotId: String(r.lot_id), saleLineId: String(r.sale_line_id), saleId: String(r.sale_id), channelKind: r.channel_kind, channelId: String(r.channel_id),
        soldAt: r.sold_at, unitPriceFen: Number(r.unit_price_fen), unitsBase: Number(r.units), refundedBase: Number(r.refunded), farmerFen: Number(r.farmer_fen),
      })),
      // what the unsold-goods job did: conversions to company stock (farmer fen), markdowns, return requests, period-ending notices (lotId 0: the line as a whole)
      unsold: unsold.map((r) => ({
        lotId: String(r.lot_id), consignmentLineId: String(r.consignment_line_id), stage: r.stage, policy: r.policy, unitsBase: Number(r.unsold_base),
        farmerFen: Number(r.amount_fen), businessDay: dateOnly(r.business_day), periodEndsAt: r.period_ends_at, recordedAt: r.created_at,
      })),
    };
  }

  /** For sales allocation: who a lot came from, per consignment line and farmer, with base units. */
  async provenance(lotId: string): Promise<Array<{ consignmentLineId: string; farmerId: string; quantityBase: number }>> {
    const rows = await this.dataSource.query(
      'SELECT consignment_line_id, farmer_id, SUM(quantity_base) AS q FROM lot_provenance WHERE lot_id = ? GROUP BY consignment_line_id, farmer_id ORDER BY consignment_line_id', [lotId],
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ consignmentLineId: String(r.consignment_line_id), farmerId: String(r.farmer_id), quantityBase: Number(r.q) }));
  }
}
