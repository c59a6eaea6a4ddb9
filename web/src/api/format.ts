/** Presentation only: the API speaks integer fen and base units. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('zh-CN')}.${String(abs % 100).padStart(2, '0')}`;
}

const BASE_UNIT_NAME: Record<string, string> = { PIECE: '枚', GRAM: '克', JAR: '瓶' };
export const baseUnitName = (u: string | null | undefined) => (u ? BASE_UNIT_NAME[u] ?? u : '');

/** 1250 g → "2.5斤" when the product sells by jin; pieces and jars as they are. */
export function quantityText(base: number, baseUnit: string | null | undefined): string {
  if (baseUnit === 'GRAM') return base % 500 === 0 || base >= 500 ? `${+(base / 500).toFixed(3)}斤` : `${base}克`;
  return `${base}${baseUnitName(baseUnit)}`;
}

export function dateTime(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const d = new Date(v);
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Today as YYYY-MM-DD in Asia/Shanghai (the business day). */
export function today(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

export const CHANNEL_NAME: Record<string, string> = {
  PURCHASE: '服务点收购', STORE: '门店', ONLINE: '电商平台', LIVESTREAM: '直播', null: '其他',
};
export const channelName = (c: string | null | undefined) => CHANNEL_NAME[String(c)] ?? String(c);

export const REJECT_REASONS: Array<{ value: string; text: string }> = [
  { value: 'DAMAGED', text: '破损' }, { value: 'SPOILED', text: '变质' }, { value: 'UNDERWEIGHT', text: '重量不足' },
  { value: 'LEAKING', text: '包装渗漏' }, { value: 'ODOR', text: '异味' }, { value: 'LABEL_MISSING', text: '标签缺失' },
  { value: 'EXPIRED', text: '过期' }, { value: 'OTHER', text: '其他' },
];

export const STATUS_NAME: Record<string, string> = {
  RECEIVED: '已收货', PARTLY_INSPECTED: '部分质检', INSPECTED: '已质检', PARTLY_BATCHED: '部分装车', BATCHED: '已装车', VOIDED: '已作废',
  OPEN: '装车中', SEALED: '已封车', DISPATCHED: '运输中', CLOSED: '已完成', CANCELLED: '已取消',
  PENDING: '处理中', PENDING_APPROVAL: '待审核', READY: '待审核', APPROVED: '已审核', PAID: '已付', FAILED: '失败', PAYOUT_FAILED: '打款失败', PAYING: '支付中',
  AWAITING_PICKUP: '待取件', COLLECTED: '已取件', RETURNED: '已退回', SUBMITTED: '已提交', UNKNOWN: '待确认', AWAITING_HANDOVER: '待现金领取',
};
export const statusName = (s: string | null | undefined) => (s ? STATUS_NAME[s] ?? s : '');
