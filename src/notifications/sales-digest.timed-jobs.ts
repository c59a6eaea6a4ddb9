import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { businessDay, businessDayRange } from '../common/business-day';
import { formatYuan } from '../common/money';
import { FarmersService } from '../farmers/farmers.service';
import { SaleChannel } from '../ledger/ledger.enums';
import { FarmerEarningRow, LedgerService } from '../ledger/ledger.service';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { FarmerNotice, NotificationEventsService } from './notification-events.service';
import { joinItems, shanghaiMonthDay } from './sms-format';

export const NOTIFICATION_TIMED_JOBS = { SALES_DIGEST: 'notifications.sales-digest' } as const;

/** How the digest names where the money came from (an entry without a channel is a purchase at QC). */
export const SALE_CHANNEL_ZH: Record<SaleChannel, string> = {
  [SaleChannel.PURCHASE]: '服务点收购',
  [SaleChannel.STORE]: '门店售出',
  [SaleChannel.ONLINE]: '网店售出',
  [SaleChannel.LIVESTREAM]: '直播售出',
};

/**
 * The daily digest (20:00 Asia/Shanghai, before the default quiet hours): one SALES_DIGEST per farmer
 * with earnings that day, totals per channel. Set-based: one grouped ledger query for every farmer,
 * one farmer query, then bulk SMS requests. The source key `digest:<farmer>:<day>` makes a rerun of the
 * slot (or a manual run) send nothing twice.
 */
@Injectable()
export class SalesDigestTimedJobs implements OnModuleInit {
  private readonly logger = new Logger(SalesDigestTimedJobs.name);

  constructor(
    private readonly registry: TimedJobsRegistry,
    private readonly ledger: LedgerService,
    private readonly farmers: FarmersService,
    private readonly notices: NotificationEventsService,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: NOTIFICATION_TIMED_JOBS.SALES_DIGEST,
      cron: '0 20 * * *',
      description: '每日收入短信（20:00，每位农户一条）Daily earnings SMS, one per farmer with earnings that day',
      run: async (slot) => this.sendDigest(businessDay(slot)),
    });
  }

  /** Sends the digest of an Asia/Shanghai day 'YYYY-MM-DD'; earnings posted after the run wait for no one (next day's digest does not repeat them). */
  async sendDigest(day: string): Promise<{ day: string; farmers: number }> {
    const { start, end } = businessDayRange(day);
    const rows = await this.ledger.farmerEarnings(start, end);
    const byFarmer = new Map<string, FarmerEarningRow[]>();
    for (const r of rows) byFarmer.set(r.farmerId, [...(byFarmer.get(r.farmerId) ?? []), r]);
    const farmers = await this.farmers.findRefs([...byFarmer.keys()]);
    const date = shanghaiMonthDay(start);
    const notices: FarmerNotice[] = [];
    for (const farmer of farmers) {
      const lines = byFarmer.get(farmer.id) ?? [];
      const total = lines.reduce((sum, l) => sum + l.amountFen, 0);
      if (total <= 0) continue;
      const items = lines.filter((l) => l.amountFen > 0)
        .map((l) => `${SALE_CHANNEL_ZH[l.channel ?? SaleChannel.PURCHASE] ?? l.channel}${l.entryCount}笔${formatYuan(l.amountFen)}元`);
      notices.push({ sourceKey: `digest:${farmer.id}:${day}`, farmer, template: 'SALES_DIGEST', params: { date, amount: formatYuan(total), items: joinItems(items, 4) } });
    }
    await this.notices.notifyFarmers(notices);
    this.logger.log({ day, farmers: notices.length }, 'sales digest requested');
    return { day, farmers: notices.length };
  }
}
