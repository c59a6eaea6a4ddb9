import { PayoutChannel } from './payout.entity';

export type PayoutRequest = {
  requestNo: string;
  amountFen: number;
  payee: { name: string; accountNumber: string | null; bankName: string | null };
  remark: string;
};

/** PAID and FAILED are final; PROCESSING means ask again later (by the same request number). */
export type ProviderResult = { status: 'PAID' | 'FAILED' | 'PROCESSING'; providerRef?: string; failureReason?: string };

/**
 * A payout channel (bank transfer, WeChat Pay, Alipay). Providers treat the request number as the
 * idempotency key (WeChat `out_batch_no`/`out_detail_no`, Alipay `out_biz_no`, bank serial numbers):
 * paying the same number twice pays once. We still ask `query` first on every retry.
 */
export interface PayoutChannelAdapter {
  readonly channel: PayoutChannel;
  pay(request: PayoutRequest): Promise<ProviderResult>;
  /** the provider's record of a request number, or NOT_FOUND if it never received it */
  query(requestNo: string): Promise<ProviderResult | { status: 'NOT_FOUND' }>;
}

export const PAYOUT_CHANNEL_ADAPTERS = Symbol('PAYOUT_CHANNEL_ADAPTERS');
export type PayoutChannelAdapters = Map<PayoutChannel, PayoutChannelAdapter>;
