import { DisplayUnit } from '../catalog/product.entity';
import { PayoutMethod } from '../farmers/farmer.entity';

/** Joins items for an SMS and keeps it short: "土鸡蛋30枚、坛子菜2.5斤等5项". */
export function joinItems(items: string[], max = 3): string {
  if (items.length <= max) return items.join('、');
  return `${items.slice(0, max).join('、')}等${items.length}项`;
}

/** A base quantity in the product's first display unit (30枚, 2.5斤), at most 3 decimals. */
export function formatQuantity(quantityBase: number, units: DisplayUnit[]): string {
  const unit = units[0];
  if (!unit) return String(quantityBase);
  return `${Number((quantityBase / unit.baseUnitsPerDisplayUnit).toFixed(3))}${unit.name}`;
}

/** Shanghai calendar date of an instant, as 11月23日. */
export function shanghaiMonthDay(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日`;
}

/** Shanghai date and minute of an instant, as 11月23日 18:05. */
export function shanghaiMonthDayTime(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000);
  const hm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return `${shanghaiMonthDay(at)}${hm}`;
}

/** The new account as the notice names it, masked: 桃江农商银行卡（尾号0123）, 支付宝（尾号0000）, 微信, 现金. */
export function payoutAccountText(p: { method: PayoutMethod; bankName: string | null; accountLast4: string | null }): string {
  const tail = p.accountLast4 ? `（尾号${p.accountLast4}）` : '';
  switch (p.method) {
    case PayoutMethod.BANK_CARD: return `${p.bankName?.endsWith('银行') ? `${p.bankName}卡` : `${p.bankName ?? ''}银行卡`}${tail}`;
    case PayoutMethod.ALIPAY: return `支付宝${tail}`;
    case PayoutMethod.WECHAT_PAY: return `微信${tail}`;
    default: return '现金（到服务点领取）';
  }
}
