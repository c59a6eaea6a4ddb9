import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { performance } from 'perf_hooks';
import { businessDay, businessDayRange } from '../common/business-day';
import { formatYuan } from '../common/money';
import { maskPhone } from '../common/validation';
import { SmsConfig, SmsProviderName } from '../config';
import { FarmerRef, FarmersService } from '../farmers/farmers.service';
import { ConsignmentQueriesService } from '../intake/consignment-queries.service';
import { LedgerService } from '../ledger/ledger.service';
import { fitTwoSegments, InboundSms } from '../notifications/sms-callbacks';
import { shanghaiMonthDay } from '../notifications/sms-format';
import { SmsRecipientRole } from '../notifications/sms-message.entity';
import { SmsService } from '../notifications/sms.service';
import { SmsParams, SmsTemplateKey } from '../notifications/sms-templates';
import { DownParcelsService } from '../parcels/down-parcels.service';
import { CHANNEL_ZH } from '../payouts/payout-notices';
import { PayoutsService } from '../payouts/payouts.service';
import { SettlementService } from '../settlement/settlement.service';
import { Role } from '../common/access/role.enum';
import { Principal } from '../common/access/principal';

export type SmsCommand = 'BALANCE' | 'QUERY' | 'PARCELS' | 'HELP';

const COMMANDS: Record<string, SmsCommand> = {
  余额: 'BALANCE', YE: 'BALANCE', 查询: 'QUERY', CX: 'QUERY', 快递: 'PARCELS', KD: 'PARCELS', 帮助: 'HELP', BZ: 'HELP',
};

/** The command of an incoming text: the first word, any case, full-width letters folded; anything else is HELP. */
export function parseCommand(text: string): SmsCommand {
  const word = text.normalize('NFKC').trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return COMMANDS[word] ?? 'HELP';
}

/**
 * Farmers' SMS self-service: 余额/YE, 查询/CX, 快递/KD, 帮助/BZ. The reply goes through the SMS
 * pipeline with source key `inbound:<provider>:<message id>`, so a provider's retry of the same
 * message sends nothing twice. Unknown numbers get a polite reply that reveals nothing; replies fit
 * two SMS segments.
 */
@Injectable()
export class SmsCommandsService {
  private readonly logger = new Logger(SmsCommandsService.name);

  constructor(
    private readonly config: ConfigService,
    private readonly sms: SmsService,
    private readonly farmers: FarmersService,
    private readonly settlement: SettlementService,
    private readonly payouts: PayoutsService,
    private readonly consignments: ConsignmentQueriesService,
    private readonly parcels: DownParcelsService,
    private readonly ledger: LedgerService,
  ) {}

  /** Answers one incoming SMS; resolves once the reply row is recorded and queued. Returns the latency from `startedAt` (performance.now()). */
  async handle(provider: SmsProviderName, msg: InboundSms, startedAt = performance.now()): Promise<{ command: SmsCommand | 'UNKNOWN_NUMBER'; latencyMs: number }> {
    const farmer = (await this.farmers.findActiveByPhone(msg.phone))[0];
    const command = farmer ? parseCommand(msg.text) : 'UNKNOWN_NUMBER';
    const reply = farmer ? await this.replyFor(farmer, command as SmsCommand) : { template: 'REPLY_UNKNOWN_NUMBER' as const, params: {} };
    await this.sms.request({
      sourceKey: `inbound:${provider}:${msg.id}`.slice(0, 100), template: reply.template, params: reply.params,
      companyId: farmer?.companyId ?? null, farmerId: farmer?.id ?? null,
      recipients: [{ phone: msg.phone, role: farmer ? SmsRecipientRole.FARMER : SmsRecipientRole.RECIPIENT }],
    });
    const latencyMs = performance.now() - startedAt;
    this.logger.log({ provider, inboundId: msg.id, phone: maskPhone(msg.phone), command, latencyMs: Math.round(latencyMs * 10) / 10 }, 'sms command answered');
    return { command, latencyMs };
  }

  private async replyFor(f: FarmerRef, command: SmsCommand): Promise<{ template: SmsTemplateKey; params: SmsParams }> {
    if (command === 'HELP') return { template: 'REPLY_HELP', params: {} };
    const text = command === 'BALANCE' ? await this.balanceText(f) : command === 'QUERY' ? await this.queryText(f) : await this.parcelsText(f);
    return { template: 'REPLY_TEXT', params: { text: fitTwoSegments(text, this.config.getOrThrow<SmsConfig>('sms').signName) } };
  }

  private async balanceText(f: FarmerRef): Promise<string> {
    const [money, last] = await Promise.all([this.settlement.farmerMoney(farmerPrincipal(f), f.id), this.payouts.lastForFarmer(f.companyId, f.id)]);
    let text = `${f.name}您好，余额${formatYuan(Number(money.balanceFen))}元，其中待结算${formatYuan(Number(money.pendingFen))}元、结算中${formatYuan(Number(money.inSettlementFen))}元。`;
    if (last) {
      const state = last.status === 'PAID' ? '已付' : last.status === 'FAILED' ? '未成功' : '处理中';
      text += `最近打款${formatYuan(last.amountFen)}元（${CHANNEL_ZH[last.channel]}，${shanghaiMonthDay(last.paidAt ?? last.createdAt)}，${state}）。`;
    } else {
      text += '暂无打款记录。';
    }
    return text;
  }

  private async queryText(f: FarmerRef): Promise<string> {
    const to = businessDayRange(businessDay(new Date())).end;
    const [page, earnings] = await Promise.all([
      this.consignments.listForFarmer(f.companyId, f.id, { limit: 5 }),
      this.ledger.farmerEarnings(new Date(to.getTime() - 30 * 86_400_000), to, { companyId: f.companyId, farmerId: f.id }),
    ]);
    const total = earnings.reduce((sum, r) => sum + r.amountFen, 0);
    const items = page.items.map((c) => `${shanghaiMonthDay(c.capturedAt)}${c.receiptNo}`);
    return `最近交售：${items.length ? items.join('；') : '无'}。近30天收入${formatYuan(total)}元。`;
  }

  private async parcelsText(f: FarmerRef): Promise<string> {
    const waiting = await this.parcels.listForFarmer(f, true, 10);
    if (!waiting.length) return '您目前没有待取快递。';
    return `您有${waiting.length}件待取快递，取件码：${waiting.map((p) => `${p.carrierCode}${p.pickupCode}`).join('、')}。`;
  }
}

/** The farmer as the settlement queries expect (the farmer sees only themselves). */
const farmerPrincipal = (f: FarmerRef): Principal => ({ kind: 'farmer', id: f.id, role: Role.FARMER, companyId: f.companyId, pointIds: [], warehouseIds: [], regionPath: null });
