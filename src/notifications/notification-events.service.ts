import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import { PayoutMethod } from '../farmers/farmer.entity';
import { FARMER_EVENTS, FarmerRef, FarmersService } from '../farmers/farmers.service';
import { INTAKE_EVENTS } from '../intake/consignments.service';
import { REJECT_REASON_ZH, RejectReason } from '../intake/intake-status';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DomainEventHandlers } from '../outbox/domain-event-handlers';
import { CarriersService } from '../parcels/carriers.service';
import { DownParcelsService } from '../parcels/down-parcels.service';
import { DownParcelStatus, PARCEL_EVENTS } from '../parcels/parcel.enums';
import { DomainEventJob } from '../queues/queue-names';
import { PeriodEndingPayload, UNSOLD_EVENTS } from '../sales/unsold.service';
import { formatQuantity, joinItems, payoutAccountText, shanghaiMonthDay, shanghaiMonthDayTime } from './sms-format';
import { SmsRecipientRole } from './sms-message.entity';
import { SmsRecipient, SmsService } from './sms.service';
import { SmsParams, SmsTemplateKey } from './sms-templates';

export type FarmerNotice = { sourceKey: string; farmer: FarmerRef; template: SmsTemplateKey; params: SmsParams };

type ReceivedPayload = { consignmentId: string; receiptNo: string; companyId: string; pointId: string; farmerId: string; lines: Array<{ productId: string; quantity: string; unit: string }> };
type QcPayload = { receiptNo: string; farmerId: string; pointId: string; corrected: boolean; lines: Array<{ productId: string; acceptedQuantityBase: number; rejectedQuantityBase: number; rejected: Array<{ reason: string }> }> };
type PayoutChangedPayload = { farmerId: string; companyId: string; notifyPhone: string; method: PayoutMethod; bankName: string | null; accountLast4: string | null; changedAt: string };
type ParcelPayload = { parcelId: string; pointId: string; carrierCode: string; pickupCode: string; recipientPhone: string; arrivedAt: string; returnDueAt?: string };

/**
 * Turns domain events into farmer SMS (one message per event and recipient: the source key is the
 * outbox id, so a redelivered event finds its messages and sends nothing again).
 *
 * Extension point for other modules: register a handler here (as `consignment.period_ending` from
 * the sales module's unsold-goods job is) or call `notifyFarmer` from their own handler (as the
 * payouts module does).
 */
@Injectable()
export class NotificationEventsService implements OnModuleInit {
  private readonly logger = new Logger(NotificationEventsService.name);

  constructor(
    private readonly handlers: DomainEventHandlers,
    private readonly sms: SmsService,
    private readonly farmers: FarmersService,
    private readonly points: CommercePointsService,
    private readonly catalog: CatalogService,
    private readonly parcels: DownParcelsService,
    private readonly carriers: CarriersService,
  ) {}

  onModuleInit(): void {
    // Receipts and QC results come in bursts (bulk sync, a day's QC): handled set-wise per batch.
    this.handlers.registerBatch(INTAKE_EVENTS.RECEIVED, (events) => this.consignmentsReceived(events));
    this.handlers.registerBatch(INTAKE_EVENTS.QC_COMPLETED, (events) => this.qcsCompleted(events));
    this.handlers.register(PARCEL_EVENTS.ARRIVED, (e) => this.parcelNotice(e, 'PARCEL_ARRIVED'));
    this.handlers.register(PARCEL_EVENTS.OVERDUE, (e) => this.parcelNotice(e, 'PARCEL_OVERDUE'));
    this.handlers.register(UNSOLD_EVENTS.PERIOD_ENDING, (e) => this.unsoldNotice(e, 'period-ending', 'CONSIGNMENT_PERIOD_ENDING'));
    this.handlers.register(UNSOLD_EVENTS.RETURN_REQUESTED, (e) => this.unsoldNotice(e, 'return-requested', 'UNSOLD_RETURN_REQUESTED'));
    this.handlers.register(FARMER_EVENTS.PAYOUT_CHANGED, (e) => this.payoutChanged(e));
  }

  /**
   * Sends a templated SMS to a farmer (and the registered family phone), respecting consent.
   * `sourceKey` must identify the cause (e.g. `outbox:<event id>`) so a retry sends nothing twice.
   */
  async notifyFarmer(sourceKey: string, farmerOrId: FarmerRef | string, template: SmsTemplateKey, params: SmsParams): Promise<void> {
    const farmer = typeof farmerOrId === 'string' ? await this.farmers.findRef(farmerOrId) : farmerOrId;
    if (!farmer) return;
    await this.notifyFarmers([{ sourceKey, farmer, template, params }]);
  }

  /** `notifyFarmer` for many farmers at once (one INSERT and one addBulk per chunk, see SmsService.requestMany). */
  async notifyFarmers(notices: FarmerNotice[]): Promise<void> {
    await this.sms.requestMany(notices.map(({ sourceKey, farmer, template, params }) => ({
      sourceKey, template, params, companyId: farmer.companyId, farmerId: farmer.id,
      recipients: farmerRecipients(farmer),
      skipReason: !farmer.active ? 'FARMER_INACTIVE' : !farmer.smsConsent ? 'NO_CONSENT' : null,
    })));
  }

  /** The farmers, points and products a batch of intake events needs, each in one query (per company for products). */
  private async intakeContext(events: DomainEventJob[], farmerIds: string[], pointIds: string[], products: Array<{ companyId: string; productId: string }>) {
    const byCompany = new Map<string, Set<string>>();
    for (const p of products) byCompany.set(p.companyId, (byCompany.get(p.companyId) ?? new Set<string>()).add(p.productId));
    const at = new Date(Math.max(...events.map((e) => Date.parse(e.occurredAt))));
    const [farmers, points, catalogs] = await Promise.all([
      this.farmers.findRefs(farmerIds),
      Promise.all([...new Set(pointIds)].map((id) => this.points.findNotice(id))),
      Promise.all([...byCompany].map(async ([companyId, ids]) => [companyId, await this.catalog.loadForIntake(companyId, [...ids], at)] as const)),
    ]);
    return {
      farmer: new Map(farmers.map((f) => [f.id, f])),
      point: new Map(points.filter((p) => !!p).map((p) => [p!.id, p!])),
      catalog: new Map(catalogs),
    };
  }

  private async consignmentsReceived(events: DomainEventJob[]): Promise<void> {
    const payloads = events.map((e) => e.payload as ReceivedPayload);
    const ctx = await this.intakeContext(events, payloads.map((p) => p.farmerId), payloads.map((p) => p.pointId),
      payloads.flatMap((p) => p.lines.map((l) => ({ companyId: p.companyId, productId: l.productId }))));
    const notices: FarmerNotice[] = [];
    events.forEach((e, i) => {
      const p = payloads[i];
      const farmer = ctx.farmer.get(p.farmerId);
      if (!farmer) return;
      const products = ctx.catalog.get(p.companyId);
      const items = p.lines.map((l) => `${products?.get(l.productId)?.product.name ?? '货品'}${l.quantity}${l.unit}`);
      notices.push({ sourceKey: sourceKey(e), farmer, template: 'CONSIGNMENT_RECEIVED', params: {
        name: farmer.name, point: ctx.point.get(p.pointId)?.name ?? '服务点', receiptNo: p.receiptNo, items: joinItems(items),
      } });
    });
    await this.notifyFarmers(notices);
  }

  private async qcsCompleted(events: DomainEventJob[]): Promise<void> {
    const payloads = events.map((e) => e.payload as QcPayload);
    // The QC event carries no company: the farmers say it.
    const farmers = new Map((await this.farmers.findRefs(payloads.map((p) => p.farmerId))).map((f) => [f.id, f]));
    const ctx = await this.intakeContext(events, [], [],
      payloads.flatMap((p) => p.lines.map((l) => ({ companyId: farmers.get(p.farmerId)?.companyId ?? '', productId: l.productId }))));
    const notices: FarmerNotice[] = [];
    events.forEach((e, i) => {
      const p = payloads[i];
      const farmer = farmers.get(p.farmerId);
      if (!farmer) return;
      const products = ctx.catalog.get(farmer.companyId);
      const parts = p.lines.map((l) => {
        const product = products?.get(l.productId)?.product;
        const units = product?.units ?? [];
        let text = `${product?.name ?? '货品'}合格${formatQuantity(l.acceptedQuantityBase, units)}`;
        if (l.rejectedQuantityBase > 0) {
          const reasons = [...new Set(l.rejected.map((r) => REJECT_REASON_ZH[r.reason as RejectReason] ?? r.reason))].join('/');
          text += `，退回${formatQuantity(l.rejectedQuantityBase, units)}（${reasons}）`;
        }
        return text;
      });
      notices.push({ sourceKey: sourceKey(e), farmer, template: 'QC_COMPLETED', params: {
        receiptNo: p.corrected ? `${p.receiptNo}（更正）` : p.receiptNo, result: joinItems(parts, 2),
      } });
    });
    await this.notifyFarmers(notices);
  }

  /**
   * Security notice of a payout-account change, to the phone the confirming code went to (the old
   * one if the phone changed too). It goes regardless of consent, quiet hours or an inactive farmer
   * and not to the family phone: its point is that the account holder hears of it at once.
   */
  private async payoutChanged(e: DomainEventJob): Promise<void> {
    const p = e.payload as PayoutChangedPayload;
    const farmer = await this.farmers.findRef(p.farmerId);
    await this.sms.request({
      sourceKey: sourceKey(e), template: 'PAYOUT_ACCOUNT_CHANGED', companyId: p.companyId, farmerId: p.farmerId,
      params: { name: farmer?.name ?? '农户', time: shanghaiMonthDayTime(new Date(p.changedAt)), account: payoutAccountText(p) },
      recipients: [{ phone: p.notifyPhone, role: SmsRecipientRole.FARMER }],
    });
  }

  /**
   * One event per consignment line of the unsold-goods job: `consignment.period_ending` ("您寄售的豆腐乳12瓶（单号…）
   * 将于12月1日到期，请联系花桥港村服务点。") and, under NOTIFY_RETURN, `unsold.return_requested` ("…已于12月1日过寄售期
   * 未售出，请到花桥港村服务点领回。"). The source key is the line, so the farmer hears each once per line however often
   * the event is delivered.
   */
  private async unsoldNotice(e: DomainEventJob, keyPrefix: string, template: 'CONSIGNMENT_PERIOD_ENDING' | 'UNSOLD_RETURN_REQUESTED'): Promise<void> {
    const p = e.payload as PeriodEndingPayload;
    const farmer = await this.farmers.findRef(p.farmerId);
    if (!farmer) return;
    const [point, products] = await Promise.all([
      this.points.findNotice(p.pointId), this.catalog.loadForIntake(p.companyId, [p.productId], new Date(e.occurredAt)),
    ]);
    const product = products.get(p.productId)?.product;
    await this.notifyFarmer(`${keyPrefix}:${p.consignmentLineId}`, farmer, template, {
      items: `${product?.name ?? '货品'}${formatQuantity(p.unsoldBase, product?.units ?? [])}（单号${p.receiptNo}）`,
      date: shanghaiMonthDay(new Date(p.periodEndsAt)), point: point?.name ?? '服务点',
    });
  }

  /** Parcel SMS go to the recipient's phone; a linked farmer's consent and family phone apply. */
  private async parcelNotice(e: DomainEventJob, template: 'PARCEL_ARRIVED' | 'PARCEL_OVERDUE'): Promise<void> {
    const p = e.payload as ParcelPayload;
    const [parcel, point, carrier] = await Promise.all([
      this.parcels.findForNotice(p.parcelId), this.points.findNotice(p.pointId), this.carriers.nameByCode(p.carrierCode),
    ]);
    if (!parcel || !point) return;
    const params: SmsParams = template === 'PARCEL_ARRIVED'
      ? { carrier, point: point.name, code: p.pickupCode, hours: point.openingHours }
      : {
          carrier, point: point.name, code: p.pickupCode,
          days: String(Math.max(1, Math.floor((Date.parse(e.occurredAt) - Date.parse(p.arrivedAt)) / 86_400_000))),
          returnDate: shanghaiMonthDay(new Date(p.returnDueAt ?? e.occurredAt)),
        };
    const farmer = parcel.recipientFarmerId ? await this.farmers.findRef(parcel.recipientFarmerId) : null;
    const recipients: SmsRecipient[] = farmer ? farmerRecipients(farmer) : [{ phone: p.recipientPhone, role: SmsRecipientRole.RECIPIENT }];
    const skipReason = parcel.status !== DownParcelStatus.AWAITING_PICKUP ? `PARCEL_${parcel.status}`
      : farmer && !farmer.smsConsent ? 'NO_CONSENT' : null;
    await this.sms.request({ sourceKey: sourceKey(e), template, params, recipients, skipReason, companyId: point.companyId, farmerId: farmer?.id ?? null });
    this.logger.debug({ outboxId: e.outboxId, template, skipReason }, 'parcel notice requested');
  }
}

export const sourceKey = (e: DomainEventJob) => `outbox:${e.outboxId}`;

/** A farmer's message goes to the farmer's phone and the family phone, if set. */
export function farmerRecipients(f: FarmerRef): SmsRecipient[] {
  const list: SmsRecipient[] = [{ phone: f.phone, role: SmsRecipientRole.FARMER }];
  if (f.familyPhone && f.familyPhone !== f.phone) list.push({ phone: f.familyPhone, role: SmsRecipientRole.FAMILY });
  return list;
}
