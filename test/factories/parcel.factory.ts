import { randomInt } from 'crypto';

let seq = 0;
/** A waybill unique across files and workers (letters and digits, 8–20). */
export const waybill = (prefix = 'T') =>
  `${prefix}${process.env.JEST_WORKER_ID ?? 0}${Date.now().toString(36)}${(seq++).toString(36)}${randomInt(1e6).toString(36)}`.toUpperCase().slice(0, 20);

/** A mainland mobile number; `tail` fixes the last 4 digits. */
export const phone = (tail?: string) => `139${String(randomInt(1e4)).padStart(4, '0')}${tail ?? String(randomInt(1e4)).padStart(4, '0')}`;

export const arrival = (overrides: Record<string, unknown> = {}) => ({
  carrierCode: 'ZTO', waybillNo: waybill(), recipientName: '吴金兰', recipientPhone: phone(), weightG: 1200, ...overrides,
});

export const manifestCsv = (rows: Array<Array<string | number>>) =>
  ['waybill,carrier,recipient_name,recipient_phone,weight_g', ...rows.map((r) => r.join(','))].join('\n');

export const upParcel = (overrides: Record<string, unknown> = {}) => ({
  carrierCode: 'YD', waybillNo: waybill('U'), senderKind: 'VILLAGER', senderName: '吴金兰', senderPhone: phone(),
  destinationProvince: '广东省', destinationCity: '深圳市', weightG: 2500, feeFen: 1200, declaredContents: '土鸡蛋 30 枚', ...overrides,
});
