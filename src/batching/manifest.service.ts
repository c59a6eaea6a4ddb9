import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { BatchAccess } from './batch-access';
import { BATCH_STATUS_ZH, BatchStatus } from './batch-status';
import { escapeHtml } from './batch-views';
import { manifestTotalsOf } from './batches.service';
import { BatchItemEntity } from './batch-item.entity';
import { ManifestTotals } from './batch.entity';

export type ManifestLine = {
  batchItemId: string; consignmentLineId: string; receiptNo: string; lineNo: number; farmerId: string; farmerName: string;
  capturedAt: Date; quantityBase: number;
};

export type Manifest = {
  batchId: string; batchNo: string | null; status: string; frozen: boolean;
  point: { id: string; code: string; name: string }; warehouse: { id: string; code: string; name: string };
  sealedAt: Date | null; dispatchedAt: Date | null; vehiclePlate: string | null; driverName: string | null; driverPhone: string | null;
  carrierKind: string | null; carrierName: string | null; departedAt: Date | null;
  totals: ManifestTotals;
  products: Array<{ productId: string; productCode: string; productName: string; baseUnit: string; quantityBase: number; lineCount: number; lines: ManifestLine[] }>;
};

type Row = {
  item_id: string; consignment_line_id: string; farmer_id: string; product_id: string; quantity_base: number;
  receipt_no: string; line_no: number; captured_at: Date; farmer_name: string; product_code: string; product_name: string; base_unit: string;
};

const BASE_UNIT_ZH: Record<string, string> = { PIECE: '个/枚', GRAM: '克', JAR: '瓶/坛' };

/** The printable manifest (装车清单) of a batch: lines grouped by product, as JSON or a plain HTML page. */
@Injectable()
export class ManifestService {
  constructor(private readonly dataSource: DataSource, private readonly access: BatchAccess) {}

  async manifest(actor: Principal, id: string): Promise<Manifest> {
    const batch = await this.access.requireVisible(actor, id);
    const [rows, [point], [warehouse]] = await Promise.all([
      this.dataSource.query(
        `SELECT bi.id AS item_id, bi.consignment_line_id, bi.farmer_id, bi.product_id, bi.quantity_base, c.receipt_no, cl.line_no, c.captured_at,
                f.name AS farmer_name, p.code AS product_code, p.name AS product_name, p.base_unit
         FROM batch_item bi
         JOIN consignment_line cl ON cl.id = bi.consignment_line_id
         JOIN consignment c ON c.id = bi.consignment_id
         JOIN farmer f ON f.id = bi.farmer_id
         JOIN product p ON p.id = bi.product_id
         WHERE bi.batch_id = ? ORDER BY p.code, c.receipt_no, cl.line_no`, [id]) as Promise<Row[]>,
      this.dataSource.query('SELECT id, code, name FROM commerce_point WHERE id = ?', [batch.pointId]),
      this.dataSource.query('SELECT id, code, name FROM warehouse WHERE id = ?', [batch.warehouseId]),
    ]);
    const products = new Map<string, Manifest['products'][number]>();
    for (const r of rows) {
      const key = String(r.product_id);
      const p = products.get(key) ?? { productId: key, productCode: r.product_code, productName: r.product_name, baseUnit: r.base_unit, quantityBase: 0, lineCount: 0, lines: [] };
      p.quantityBase += Number(r.quantity_base);
      p.lineCount += 1;
      p.lines.push({
        batchItemId: String(r.item_id), consignmentLineId: String(r.consignment_line_id), receiptNo: r.receipt_no, lineNo: Number(r.line_no),
        farmerId: String(r.farmer_id), farmerName: r.farmer_name, capturedAt: r.captured_at, quantityBase: Number(r.quantity_base),
      });
      products.set(key, p);
    }
    const liveTotals = manifestTotalsOf(rows.map((r) => ({ productId: String(r.product_id), farmerId: String(r.farmer_id), quantityBase: Number(r.quantity_base) }) as BatchItemEntity));
    return {
      batchId: batch.id, batchNo: batch.batchNo, status: batch.status, frozen: batch.status !== BatchStatus.OPEN,
      point: { id: String(point.id), code: point.code, name: point.name }, warehouse: { id: String(warehouse.id), code: warehouse.code, name: warehouse.name },
      sealedAt: batch.sealedAt, dispatchedAt: batch.dispatchedAt, vehiclePlate: batch.vehiclePlate, driverName: batch.driverName, driverPhone: batch.driverPhone,
      carrierKind: batch.carrierKind, carrierName: batch.carrierName, departedAt: batch.departedAt,
      totals: batch.manifestTotals ?? liveTotals, products: [...products.values()],
    };
  }

  /** A plain page for printing; every text is escaped. */
  async manifestHtml(actor: Principal, id: string): Promise<string> {
    const m = await this.manifest(actor, id);
    const e = escapeHtml;
    const time = (d: Date | null) => (d ? e(new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC') : '—');
    const sections = m.products.map((p) => `
<h2>${e(p.productName)}（${e(p.productCode)}）— 合计 ${e(p.quantityBase)} ${e(BASE_UNIT_ZH[p.baseUnit] ?? p.baseUnit)}，${e(p.lineCount)} 行</h2>
<table><thead><tr><th>交售单号</th><th>行</th><th>农户</th><th>交售时间</th><th>数量（${e(BASE_UNIT_ZH[p.baseUnit] ?? p.baseUnit)}）</th><th>实收</th><th>破损</th></tr></thead><tbody>
${p.lines.map((l) => `<tr><td>${e(l.receiptNo)}</td><td>${e(l.lineNo)}</td><td>${e(l.farmerName)}</td><td>${time(l.capturedAt)}</td><td class="n">${e(l.quantityBase)}</td><td></td><td></td></tr>`).join('\n')}
</tbody></table>`).join('\n');
    return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>装车清单 ${e(m.batchNo)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}th,td{border:1px solid #444;padding:4px 6px}td.n{text-align:right}@media print{button{display:none}}</style>
</head><body>
<h1>批次装车清单 ${e(m.batchNo)}</h1>
<p>状态：${e(BATCH_STATUS_ZH[m.status as BatchStatus] ?? m.status)}${m.frozen ? '' : '（未封批，清单可能变化）'}</p>
<p>发货服务点：${e(m.point.name)}（${e(m.point.code)}）　目的仓库：${e(m.warehouse.name)}（${e(m.warehouse.code)}）</p>
<p>封批时间：${time(m.sealedAt)}　车牌：${e(m.vehiclePlate ?? '—')}　司机：${e(m.driverName ?? '—')} ${e(m.driverPhone ?? '')}　承运：${e(m.carrierName ?? m.carrierKind ?? '—')}　发车：${time(m.departedAt)}</p>
<p>共 ${e(m.totals.lineCount)} 行，${e(m.totals.farmerCount)} 位农户</p>
${sections}
<p>发货人签字：__________　司机签字：__________　收货人签字：__________</p>
</body></html>`;
  }
}
