/** Who an account belongs to. COMPANY accounts have owner id 0. */
export enum AccountOwnerType {
  FARMER = 'FARMER',
  AGENT = 'AGENT',
  POINT = 'POINT',
  VILLAGE_COLLECTIVE = 'VILLAGE_COLLECTIVE',
  COMPANY = 'COMPANY',
  /** a sales channel (live-stream host commission) */
  CHANNEL = 'CHANNEL',
}

/**
 * What an account holds. Sign convention: a payable account's positive balance is what the
 * company owes its owner; the company's own accounts carry the other side of every posting,
 * so all balances of a company sum to zero.
 */
export enum AccountType {
  /** farmer: money earned and not yet paid out */
  FARMER_PAYABLE = 'FARMER_PAYABLE',
  /** agent / point: commissions owed */
  COMMISSION_PAYABLE = 'COMMISSION_PAYABLE',
  /** village collective (村集体): its share owed */
  COLLECTIVE_PAYABLE = 'COLLECTIVE_PAYABLE',
  /** company: goods bought from farmers (purchase-mode acceptances, consignment sales) */
  GOODS_COST = 'GOODS_COST',
  /** company: commissions and collective shares granted */
  COMMISSION_COST = 'COMMISSION_COST',
  /** company: defects charged back to farmers */
  CHARGEBACK_RECOVERY = 'CHARGEBACK_RECOVERY',
  /** company: money sent out through payout channels (less failed payouts) */
  PAYOUTS_ISSUED = 'PAYOUTS_ISSUED',
  /** company: the other side of manual adjustments */
  ADJUSTMENTS = 'ADJUSTMENTS',
  /** company: what channels owe for goods sold (debit side of revenue) */
  SALES_RECEIVABLE = 'SALES_RECEIVABLE',
  /** company: a sale line's revenue passing through to farmers and commissions; nets to zero per sale line */
  SALES_CLEARING = 'SALES_CLEARING',
  /** company: the company's margin on sales (what remains of revenue) */
  SALES_MARGIN = 'SALES_MARGIN',
}

/** Kind of a posting and of each of its entries. */
export enum EntryKind {
  EARNING = 'EARNING',
  CHARGEBACK = 'CHARGEBACK',
  COMMISSION = 'COMMISSION',
  COLLECTIVE_SHARE = 'COLLECTIVE_SHARE',
  PAYOUT = 'PAYOUT',
  PAYOUT_REVERSAL = 'PAYOUT_REVERSAL',
  ADJUSTMENT = 'ADJUSTMENT',
  /** negates every entry of an earlier posting (a corrected QC, a cancelled sale) */
  REVERSAL = 'REVERSAL',
  /** revenue, host commission and margin of a sale line */
  SALE = 'SALE',
  /** a refund of sold packs: the exact counterpart of their share of the sale's postings */
  REFUND = 'REFUND',
}

/** Where goods earned money: bought outright at QC, or sold through a channel (sales issue). */
export enum SaleChannel {
  PURCHASE = 'PURCHASE',
  STORE = 'STORE',
  ONLINE = 'ONLINE',
  LIVESTREAM = 'LIVESTREAM',
}

export enum CommissionMode {
  /** fen per `unitSizeBase` base units accepted/sold */
  PER_UNIT = 'PER_UNIT',
  /** basis points (1/100 %) of the farmer's earning */
  PERCENT = 'PERCENT',
}

export const LEDGER_EVENTS = {
  EARNING_POSTED: 'ledger.earning_posted',
  RECONCILIATION_FAILED: 'ledger.reconciliation_failed',
} as const;

/** Events this module consumes, with their contracts (producers: intake, warehouse). */
export const CONSUMED_EVENTS = {
  LINE_ACCEPTED: 'consignment.line_accepted',
  LINE_ACCEPTANCE_REVERSED: 'consignment.line_acceptance_reversed',
  CHARGEBACK_RECORDED: 'warehouse.chargeback_recorded',
} as const;
