import { Injectable, OnModuleInit } from '@nestjs/common';
import { formatYuan } from '../common/money';
import { FarmersService } from '../farmers/farmers.service';
import { NotificationEventsService, sourceKey } from '../notifications/notification-events.service';
import { SmsRecipientRole } from '../notifications/sms-message.entity';
import { SmsService } from '../notifications/sms.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DomainEventHandlers } from '../outbox/domain-event-handlers';
import { DomainEventJob } from '../queues/queue-names';
import { SettlementService } from '../settlement/settlement.service';
import { PayoutChannel } from './payout.entity';
import { PAYOUT_EVENTS } from './payouts.service';

type PayoutOutcomePayload = { payoutId: string; statementId: string; farmerId: string; amountFen: number; channel: PayoutChannel; failureReason?: string | null };
type CashCodePayload = { payoutId: string; farmerId: string; pointId: string; amountFen: number; code: string };

/** How the SMS names a payout channel. */
export const CHANNEL_ZH: Record<PayoutChannel, string> = {
  [PayoutChannel.BANK_TRANSFER]: '银行卡',
  [PayoutChannel.WECHAT_PAY]: '微信',
  [PayoutChannel.ALIPAY]: '支付宝',
  [PayoutChannel.CASH]: '现金',
};

/**
 * Payout SMS. `payout.paid` / `payout.failed` are notices (consent, family phone, quiet hours).
 * `payout.cash_code_issued` carries the code the farmer shows to be paid in cash: like a login code
 * it goes to the farmer's own phone only, without consent or quiet-hour wait, since without it the
 * farmer cannot be paid by code (a signature remains the alternative). Every message's source key is
 * the outbox event, so a redelivered event sends nothing twice.
 */
@Injectable()
export class PayoutNotices implements OnModuleInit {
  constructor(
    private readonly handlers: DomainEventHandlers,
    private readonly notices: NotificationEventsService,
    private readonly sms: SmsService,
    private readonly farmers: FarmersService,
    private readonly settlement: SettlementService,
    private readonly points: CommercePointsService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(PAYOUT_EVENTS.PAID, (e) => this.outcome(e, 'PAYOUT_PAID'));
    this.handlers.register(PAYOUT_EVENTS.FAILED, (e) => this.outcome(e, 'PAYOUT_FAILED'));
    this.handlers.register(PAYOUT_EVENTS.CASH_CODE_ISSUED, (e) => this.cashCode(e));
  }

  private async outcome(e: DomainEventJob, template: 'PAYOUT_PAID' | 'PAYOUT_FAILED'): Promise<void> {
    const p = e.payload as PayoutOutcomePayload;
    const farmer = await this.farmers.findRef(p.farmerId);
    if (!farmer) return;
    const period = (await this.settlement.statementPeriod(p.statementId)) ?? '本期';
    const common = { name: farmer.name, period, amount: formatYuan(p.amountFen) };
    await this.notices.notifyFarmer(sourceKey(e), farmer, template, template === 'PAYOUT_PAID'
      ? { ...common, method: CHANNEL_ZH[p.channel] ?? p.channel }
      : { ...common, reason: failureText(p.failureReason) });
  }

  private async cashCode(e: DomainEventJob): Promise<void> {
    const p = e.payload as CashCodePayload;
    const [farmer, point] = await Promise.all([this.farmers.findRef(p.farmerId), this.points.findNotice(p.pointId)]);
    if (!farmer) return;
    await this.sms.request({
      sourceKey: sourceKey(e), template: 'PAYOUT_CASH_CODE', companyId: farmer.companyId, farmerId: farmer.id,
      params: { name: farmer.name, amount: formatYuan(p.amountFen), point: point?.name ?? '服务点', code: p.code },
      recipients: [{ phone: farmer.phone, role: SmsRecipientRole.FARMER }],
    });
  }
}

/** The Chinese part of a provider's failure reason, short enough for the SMS. */
function failureText(reason: string | null | undefined): string {
  const zh = (reason ?? '').split(/\s+/)[0]?.trim();
  return zh ? zh.slice(0, 20) : '渠道处理失败';
}
