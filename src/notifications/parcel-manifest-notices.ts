import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { FarmersService } from '../farmers/farmers.service';
import { CommercePointsService } from '../organization/commerce-points.service';
import { DomainEventHandlers } from '../outbox/domain-event-handlers';
import { CarriersService } from '../parcels/carriers.service';
import { DownParcelsService } from '../parcels/down-parcels.service';
import { DownParcelStatus, ManifestArrivedPayload, PARCEL_EVENTS } from '../parcels/parcel.enums';
import { DomainEventJob } from '../queues/queue-names';
import { farmerRecipients } from './notification-events.service';
import { SmsRecipientRole } from './sms-message.entity';
import { SmsRecipient, SmsRequest, SmsService } from './sms.service';

/** Parcels read and requested per round: one parcel query, one farmer query, one SMS chunk. */
const PAGE = 500;

/** Source key of one parcel's arrival SMS from a manifest event: per event and parcel, so a redelivery sends nothing twice. */
export const manifestParcelSourceKey = (outboxId: string, parcelId: string) => `outbox:${outboxId}:${parcelId}`;

/**
 * `parcel.manifest_arrived` → one PARCEL_ARRIVED SMS per parcel of the manifest, exactly what a
 * `parcel.arrived` of each would send (NotificationEventsService.parcelNotice): to the recipient's
 * phone, or to a linked farmer's phone and family phone under the farmer's consent; nothing for a
 * parcel already collected or returned. Works in pages, with bulk SMS requests.
 */
@Injectable()
export class ParcelManifestNotices implements OnModuleInit {
  private readonly logger = new Logger(ParcelManifestNotices.name);

  constructor(
    private readonly handlers: DomainEventHandlers,
    private readonly sms: SmsService,
    private readonly farmers: FarmersService,
    private readonly points: CommercePointsService,
    private readonly parcels: DownParcelsService,
    private readonly carriers: CarriersService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(PARCEL_EVENTS.MANIFEST_ARRIVED, (e) => this.manifestArrived(e));
  }

  private async manifestArrived(e: DomainEventJob): Promise<void> {
    const p = e.payload as ManifestArrivedPayload;
    const point = await this.points.findNotice(p.pointId);
    if (!point) return;
    const carrierNames = new Map<string, string>();
    let afterId: string | null = null;
    let requested = 0;
    while (requested < p.parcelCount) {
      const page = await this.parcels.manifestParcelsForNotice(p.manifestId, p.firstParcelId, afterId, PAGE);
      if (page.length === 0) break;
      afterId = page[page.length - 1].id;
      requested += page.length;
      const linked = page.map((x) => x.recipientFarmerId).filter((id): id is string => id !== null);
      const farmers = new Map((await this.farmers.findRefs(linked)).map((f) => [f.id, f]));
      const codes = await this.carriers.codesById(page.map((x) => x.carrierId));
      const requests: SmsRequest[] = [];
      for (const parcel of page) {
        const code = codes.get(parcel.carrierId) ?? '';
        let carrier = carrierNames.get(code);
        if (carrier === undefined) carrierNames.set(code, (carrier = await this.carriers.nameByCode(code)));
        const farmer = parcel.recipientFarmerId ? farmers.get(parcel.recipientFarmerId) ?? null : null;
        const recipients: SmsRecipient[] = farmer ? farmerRecipients(farmer) : [{ phone: parcel.recipientPhone, role: SmsRecipientRole.RECIPIENT }];
        const skipReason = parcel.status !== DownParcelStatus.AWAITING_PICKUP ? `PARCEL_${parcel.status}`
          : farmer && !farmer.smsConsent ? 'NO_CONSENT' : null;
        requests.push({
          sourceKey: manifestParcelSourceKey(e.outboxId, parcel.id), template: 'PARCEL_ARRIVED',
          params: { carrier, point: point.name, code: parcel.pickupCode, hours: point.openingHours },
          recipients, skipReason, companyId: point.companyId, farmerId: farmer?.id ?? null,
        });
      }
      await this.sms.requestMany(requests);
    }
    this.logger.debug({ outboxId: e.outboxId, manifestId: p.manifestId, parcels: requested }, 'manifest parcel notices requested');
  }
}
