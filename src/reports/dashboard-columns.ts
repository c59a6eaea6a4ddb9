/**
 * Column definitions of every dashboard: the contract an export (CSV / XLSX) streams a dashboard
 * by. Each dashboard answers `DashboardRow[]` (flat objects; money in integer fen; percentages in
 * basis points, 1/100 of a percent, so 9250 = 92.50 %) and its columns say the Chinese header and
 * how to format each value.
 */
export type DashboardColumnKind = 'text' | 'int' | 'fen' | 'date' | 'percent';

export type DashboardColumn = {
  key: string;
  /** Chinese header for people and exports */
  header: string;
  /** text; int (integer); fen (integer fen, shown as yuan with 2 decimals); date ('YYYY-MM-DD'); percent (basis points) */
  kind: DashboardColumnKind;
};

export type DashboardRow = Record<string, string | number | null>;

export const DASHBOARD_NAMES = [
  'intake', 'qc', 'qc-rejects', 'farmers', 'batches-in-transit', 'transit-loss', 'stock', 'sales-by-channel',
  'sales-by-day', 'earnings', 'commissions', 'parcels', 'top-villages',
] as const;

export type DashboardName = (typeof DASHBOARD_NAMES)[number];

const col = (key: string, header: string, kind: DashboardColumnKind): DashboardColumn => ({ key, header, kind });

export const INTAKE_COLUMNS = [
  col('productId', '产品编号', 'text'), col('productName', '产品', 'text'), col('gradeCode', '等级', 'text'),
  col('lineCount', '交售行数', 'int'), col('quantityBase', '数量（基本单位）', 'int'), col('baseUnit', '基本单位', 'text'),
  col('amountFen', '金额', 'fen'),
] as const;

export const QC_COLUMNS = [
  col('productId', '产品编号', 'text'), col('productName', '产品', 'text'), col('lineCount', '交售行数', 'int'),
  col('deliveredBase', '交售数量', 'int'), col('inspectedLineCount', '已质检行数', 'int'), col('acceptedBase', '合格数量', 'int'),
  col('rejectedBase', '不合格数量', 'int'), col('passRateBp', '合格率', 'percent'), col('baseUnit', '基本单位', 'text'),
] as const;

export const QC_REJECT_COLUMNS = [
  col('rank', '排名', 'int'), col('reason', '原因代码', 'text'), col('reasonName', '不合格原因', 'text'), col('productId', '产品编号', 'text'),
  col('productName', '产品', 'text'), col('lineCount', '涉及行数', 'int'), col('quantityBase', '不合格数量', 'int'), col('baseUnit', '基本单位', 'text'),
] as const;

export const FARMER_COLUMNS = [
  col('farmersServed', '服务农户数', 'int'), col('activeHouseholds', '活跃农户数', 'int'),
  col('hardshipHouseholdsServed', '服务困难户数', 'int'), col('hardshipActiveHouseholds', '活跃困难户数', 'int'),
  col('incomeFen', '农户收入', 'fen'), col('hardshipIncomeFen', '困难户收入', 'fen'),
] as const;

export const BATCHES_IN_TRANSIT_COLUMNS = [
  col('batchId', '批次编号', 'text'), col('batchNo', '批次号', 'text'), col('pointName', '服务点', 'text'), col('warehouseName', '仓库', 'text'),
  col('dispatchedAt', '发车时间', 'text'), col('hoursInTransit', '在途小时', 'int'), col('itemCount', '明细数', 'int'), col('quantityBase', '数量（基本单位）', 'int'),
] as const;

export const TRANSIT_LOSS_COLUMNS = [
  col('productId', '产品编号', 'text'), col('productName', '产品', 'text'), col('cause', '原因代码', 'text'), col('causeName', '损耗原因', 'text'),
  col('lossCount', '记录数', 'int'), col('quantityBase', '损耗数量', 'int'), col('baseUnit', '基本单位', 'text'),
] as const;

export const STOCK_COLUMNS = [
  col('warehouseName', '仓库', 'text'), col('skuId', 'SKU编号', 'text'), col('skuCode', 'SKU代码', 'text'), col('skuName', '商品', 'text'),
  col('lotCount', '批号数', 'int'), col('onHandPacks', '在库（包）', 'int'), col('reservedPacks', '已预留（包）', 'int'),
  col('availablePacks', '可售（包）', 'int'), col('expiredPacks', '已过期（包）', 'int'), col('earliestBestBefore', '最早保质期至', 'date'),
] as const;

export const SALES_BY_CHANNEL_COLUMNS = [
  col('channelKind', '渠道代码', 'text'), col('channelName', '渠道', 'text'), col('allocationCount', '分配笔数', 'int'),
  col('unitsBase', '售出数量（基本单位）', 'int'), col('revenueFen', '销售额', 'fen'), col('farmerFen', '农户所得', 'fen'),
  col('commissionFen', '佣金及村集体', 'fen'), col('refundedUnitsBase', '退货数量', 'int'), col('refundedFarmerFen', '退货冲回农户', 'fen'),
] as const;

export const SALES_BY_DAY_COLUMNS = [
  col('day', '日期', 'date'), col('channelKind', '渠道代码', 'text'), col('channelName', '渠道', 'text'),
  col('unitsBase', '售出数量（基本单位）', 'int'), col('revenueFen', '销售额', 'fen'), col('farmerFen', '农户所得', 'fen'),
  col('refundedUnitsBase', '退货数量', 'int'), col('refundedFarmerFen', '退货冲回农户', 'fen'),
] as const;

export const EARNINGS_COLUMNS = [
  col('earnedFen', '农户收入', 'fen'), col('adjustmentsFen', '扣款及冲回', 'fen'), col('settledFen', '已结算', 'fen'),
  col('statementCount', '结算单数', 'int'), col('paidFen', '已打款', 'fen'), col('payoutCount', '打款笔数', 'int'),
  col('pendingFen', '期末待付', 'fen'),
] as const;

export const COMMISSION_COLUMNS = [
  col('beneficiaryType', '类型代码', 'text'), col('beneficiaryTypeName', '类型', 'text'), col('beneficiaryId', '编号', 'text'),
  col('beneficiaryName', '名称', 'text'), col('amountFen', '佣金', 'fen'), col('entryCount', '笔数', 'int'),
] as const;

export const PARCEL_COLUMNS = [
  col('carrierCode', '快递公司代码', 'text'), col('carrierName', '快递公司', 'text'), col('downCount', '下行（到件）', 'int'),
  col('collectedCount', '已取件', 'int'), col('returnedCount', '退回', 'int'), col('upCount', '上行（寄件）', 'int'),
  col('upShareBp', '上行占比', 'percent'),
] as const;

export const TOP_VILLAGE_COLUMNS = [
  col('rank', '排名', 'int'), col('villageId', '村编号', 'text'), col('villageName', '村', 'text'), col('earnedFen', '农户收入', 'fen'),
  col('hardshipEarnedFen', '困难户收入', 'fen'),
] as const;

export const DASHBOARD_COLUMNS: Record<DashboardName, readonly DashboardColumn[]> = {
  intake: INTAKE_COLUMNS,
  qc: QC_COLUMNS,
  'qc-rejects': QC_REJECT_COLUMNS,
  farmers: FARMER_COLUMNS,
  'batches-in-transit': BATCHES_IN_TRANSIT_COLUMNS,
  'transit-loss': TRANSIT_LOSS_COLUMNS,
  stock: STOCK_COLUMNS,
  'sales-by-channel': SALES_BY_CHANNEL_COLUMNS,
  'sales-by-day': SALES_BY_DAY_COLUMNS,
  earnings: EARNINGS_COLUMNS,
  commissions: COMMISSION_COLUMNS,
  parcels: PARCEL_COLUMNS,
  'top-villages': TOP_VILLAGE_COLUMNS,
};

/** Chinese titles, e.g. for an export's file or sheet name. */
export const DASHBOARD_TITLES: Record<DashboardName, string> = {
  intake: '收购量与金额（按产品、等级）',
  qc: '质检合格率',
  'qc-rejects': '主要不合格原因',
  farmers: '服务农户与困难户',
  'batches-in-transit': '在途批次',
  'transit-loss': '运输损耗（按原因）',
  stock: '库存（按SKU，含保质期）',
  'sales-by-channel': '销售（按渠道）',
  'sales-by-day': '销售（按日）',
  earnings: '农户收入、结算与打款',
  commissions: '代办员与村集体佣金',
  parcels: '快递上下行（按快递公司）',
  'top-villages': '农户收入前列的村',
};
