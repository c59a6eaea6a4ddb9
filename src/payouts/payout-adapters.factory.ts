import { PayoutsConfig } from '../config';
import { AlipayPayoutAdapter } from './adapters/alipay-payout.adapter';
import { BankGatewayPayoutAdapter } from './adapters/bank-gateway-payout.adapter';
import { WechatPayoutAdapter } from './adapters/wechat-payout.adapter';
import { PayoutChannelAdapters } from './payout-channel';
import { PayoutChannel } from './payout.entity';
import { SandboxPayoutAdapter } from './sandbox-payout.adapter';

const TRANSFER_CHANNELS = [PayoutChannel.BANK_TRANSFER, PayoutChannel.WECHAT_PAY, PayoutChannel.ALIPAY];

/**
 * The adapter per channel. sandbox: the in-process sandbox for all three. live: the real adapter for
 * each channel in PAYOUT_LIVE_CHANNELS (credentials were checked at boot); a transfer channel not
 * listed gets no adapter, so its payouts stay pending (the job fails and is resumed) instead of being
 * "paid" by the sandbox. Cash never has an adapter: it is the agent's hand-over.
 */
export function buildPayoutAdapters(c: PayoutsConfig): PayoutChannelAdapters {
  if (c.provider === 'sandbox') return new Map(TRANSFER_CHANNELS.map((ch) => [ch, new SandboxPayoutAdapter(ch)]));
  const adapters: PayoutChannelAdapters = new Map();
  if (c.alipay) adapters.set(PayoutChannel.ALIPAY, new AlipayPayoutAdapter(c.alipay));
  if (c.wechat) adapters.set(PayoutChannel.WECHAT_PAY, new WechatPayoutAdapter(c.wechat));
  if (c.bank) adapters.set(PayoutChannel.BANK_TRANSFER, new BankGatewayPayoutAdapter(c.bank));
  return adapters;
}
