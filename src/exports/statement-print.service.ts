import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service';
import { Principal } from '../common/access/principal';
import { formatYuan } from '../common/money';
import { maskPhone } from '../common/validation';
import { FarmersService } from '../farmers/farmers.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { PayoutsService } from '../payouts/payouts.service';
import { SettlementService } from '../settlement/settlement.service';
import { LABELS } from './export-columns';
import { shanghaiDateTime } from './export-writer';

const escapeHtml = (s: string | number | null | undefined) => String(s ?? '')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const BASE_UNIT_ZH: Record<string, string> = { PIECE: '枚', GRAM: '克', JAR: '瓶' };

/**
 * A quantity in the display unit the price was quoted in, exactly (integer arithmetic, up to 3
 * decimals: 1250 g at 500 g per 斤 → "2.5 斤"); a quantity that is not exact to 3 decimals is
 * shown in base units instead, never rounded.
 */
export function displayQuantity(quantityBase: number, unitSizeBase: number, unitName: string, baseUnitName: string): string {
  const thousandths = quantityBase * 1000;
  if (unitSizeBase > 0 && thousandths % unitSizeBase === 0) {
    const q = thousandths / unitSizeBase;
    const whole = Math.trunc(q / 1000);
    const frac = String(Math.abs(q % 1000)).padStart(3, '0').replace(/0+$/, '');
    return `${whole}${frac ? `.${frac}` : ''} ${unitName}`;
  }
  return `${quantityBase} ${baseUnitName}`;
}

type PrintItem = { kind: string; product: string; grade: string; quantity: string; unitPrice: string; amountFen: number; day: string; channel: string };

/** The farmer's statement as one printable page (结算单), in Chinese, with the same scope as GET /statements/:id. */
@Injectable()
export class StatementPrintService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settlement: SettlementService,
    private readonly payouts: PayoutsService,
    private readonly farmers: FarmersService,
    private readonly points: CommercePointsService,
    private readonly catalog: CatalogService,
  ) {}

  async render(actor: Principal, statementId: string): Promise<string> {
    const s = await this.settlement.getStatement(actor, statementId);
    const productIds = [...new Set(s.items.map((i) => i.productId).filter((id): id is string => !!id))];
    const [farmer, point, period, payout, products, companyRows] = await Promise.all([
      this.farmers.findRef(s.farmerId),
      this.points.findNotice(s.pointId),
      this.settlement.statementPeriod(s.id),
      this.payouts.forStatement(actor, s.id),
      productIds.length ? this.catalog.loadForIntake(actor.companyId, productIds, new Date()) : Promise.resolve(new Map()),
      this.dataSource.query('SELECT name FROM company WHERE id = ?', [actor.companyId]) as Promise<Array<{ name: string }>>,
    ]);
    const items: PrintItem[] = s.items.map((i) => {
      const product = i.productId ? products.get(i.productId)?.product : undefined;
      const unit = product?.units.find((u: { baseUnitsPerDisplayUnit: number }) => u.baseUnitsPerDisplayUnit === i.priceUnitSizeBase);
      const baseName = BASE_UNIT_ZH[product?.baseUnit ?? ''] ?? '';
      const unitName = unit?.name ?? baseName;
      const grade = product?.grades.find((g: { code: string }) => g.code === i.gradeCode)?.name ?? i.gradeCode ?? '';
      return {
        kind: LABELS.entryKind[i.kind as keyof typeof LABELS.entryKind] ?? i.kind,
        product: i.productName ?? i.description ?? '',
        grade,
        quantity: i.quantityBase === null ? '' : displayQuantity(i.quantityBase, i.priceUnitSizeBase ?? 1, unitName, baseName),
        unitPrice: i.unitPriceFen === null ? '' : `${formatYuan(i.unitPriceFen)} 元/${unitName}`,
        amountFen: i.amountFen,
        day: shanghaiDateTime(i.occurredAt ?? i.postedAt).slice(0, 10),
        channel: i.channel ? LABELS.saleChannel[i.channel as keyof typeof LABELS.saleChannel] ?? i.channel : '',
      };
    });
    const totalFen = s.items.reduce((sum, i) => sum + i.amountFen, 0);
    const payoutText = payout
      ? `${LABELS.payoutStatus[payout.status] ?? payout.status}（${LABELS.payoutChannel[payout.channel] ?? payout.channel}，请求号 ${payout.requestNo}${payout.paidAt ? `，到账 ${shanghaiDateTime(payout.paidAt)}` : ''}）`
      : '未打款';
    const days = items.map((i) => i.day).sort();
    return statementHtml({
      company: companyRows[0]?.name ?? '',
      statementId: s.id,
      status: LABELS.statementStatus[s.status] ?? s.status,
      farmerName: farmer?.name ?? '',
      farmerPhone: maskPhone(farmer?.phone) ?? '',
      pointName: point?.name ?? '',
      pointPhone: point?.contactPhone ?? '',
      period: period ?? '',
      span: days.length ? `${days[0]} 至 ${days[days.length - 1]}` : '',
      createdAt: shanghaiDateTime(s.createdAt),
      items, totalFen, payoutText, printedAt: shanghaiDateTime(new Date()),
    });
  }
}

function statementHtml(v: {
  company: string; statementId: string; status: string; farmerName: string; farmerPhone: string; pointName: string; pointPhone: string;
  period: string; span: string; createdAt: string; items: PrintItem[]; totalFen: number; payoutText: string; printedAt: string;
}): string {
  const rows = v.items.map((i, n) => `<tr><td>${n + 1}</td><td>${escapeHtml(i.day)}</td><td>${escapeHtml(i.kind)}</td><td>${escapeHtml(i.product)}</td>`
    + `<td>${escapeHtml(i.grade)}</td><td class="num">${escapeHtml(i.quantity)}</td><td class="num">${escapeHtml(i.unitPrice)}</td>`
    + `<td>${escapeHtml(i.channel)}</td><td class="num">${escapeHtml(formatYuan(i.amountFen))}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>农户结算单 ${escapeHtml(v.statementId)}</title>
<style>
  @page { size: A4 portrait; margin: 12mm; }
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif; font-size: 10.5pt; color: #000; margin: 0; }
  .sheet { max-width: 186mm; margin: 0 auto; }
  h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; }
  .company { text-align: center; font-size: 11pt; margin-bottom: 4mm; }
  .meta { display: grid; grid-template-columns: 1fr 1fr; gap: 1mm 6mm; margin-bottom: 4mm; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 0.3mm solid #333; padding: 1mm 1.5mm; }
  th { background: #eee; font-weight: bold; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  tr { page-break-inside: avoid; }
  tfoot td { font-weight: bold; }
  .payout { margin-top: 4mm; }
  .sign { margin-top: 10mm; display: flex; justify-content: space-between; }
  .foot { margin-top: 6mm; font-size: 8.5pt; color: #555; }
  @media print { .noprint { display: none; } body { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<div class="sheet">
  <h1>农户结算单</h1>
  <div class="company">${escapeHtml(v.company)}</div>
  <div class="meta">
    <div>结算单号：${escapeHtml(v.statementId)}</div><div>状态：${escapeHtml(v.status)}</div>
    <div>农户：${escapeHtml(v.farmerName)}</div><div>手机：${escapeHtml(v.farmerPhone)}</div>
    <div>服务点：${escapeHtml(v.pointName)}</div><div>服务点电话：${escapeHtml(v.pointPhone)}</div>
    <div>结算期间：${escapeHtml(v.period)}</div><div>交易日期：${escapeHtml(v.span)}</div>
    <div>生成时间：${escapeHtml(v.createdAt)}</div><div>明细笔数：${v.items.length}</div>
  </div>
  <table>
    <thead><tr><th>序号</th><th>日期</th><th>类型</th><th>商品</th><th>等级</th><th class="num">数量</th><th class="num">单价</th><th>渠道</th><th class="num">金额（元）</th></tr></thead>
    <tbody>
${rows}
    </tbody>
    <tfoot><tr><td colspan="8">合计</td><td class="num" id="total">${escapeHtml(formatYuan(v.totalFen))}</td></tr></tfoot>
  </table>
  <div class="payout">打款状态：${escapeHtml(v.payoutText)}</div>
  <div class="sign"><span>农户签字：＿＿＿＿＿＿</span><span>代办员签字：＿＿＿＿＿＿</span><span>日期：＿＿＿＿＿＿</span></div>
  <div class="foot">金额单位：元（按分精确计算）。打印时间：${escapeHtml(v.printedAt)}（北京时间）。如有疑问请联系服务点。</div>
  <p class="noprint"><button onclick="window.print()">打印</button></p>
</div>
</body>
</html>
`;
}
