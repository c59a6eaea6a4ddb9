import { ErrorDetail } from '../common/errors/domain-error';
import { maskPhone } from '../common/validation';
import { DownParcelDto } from './dto/responses.dto';
import { DownParcelEntity } from './entities/down-parcel.entity';

/** The one way a down parcel leaves the API: phones masked, internal keys left out. */
export function toDownParcelDto(p: DownParcelEntity, carrierCode: string, warnings: ErrorDetail[] = []): DownParcelDto {
  return {
    id: p.id, pointId: p.pointId, carrierId: p.carrierId, carrierCode, waybillNo: p.waybillNo,
    recipientName: p.recipientName, recipientPhoneMasked: maskPhone(p.recipientPhone), recipientFarmerId: p.recipientFarmerId,
    weightG: p.weightG, pickupCode: p.pickupCode, status: p.status, source: p.source, manifestId: p.manifestId,
    arrivedAt: p.arrivedAt, remindedAt: p.remindedAt, failedPickupAttempts: p.failedPickupAttempts, flaggedAt: p.flaggedAt,
    collectedAt: p.collectedAt, pickupMethod: p.pickupMethod, proxyName: p.proxyName, proxyPhoneMasked: maskPhone(p.proxyPhone),
    proxyNote: p.proxyNote, returnedAt: p.returnedAt, returnWaybillNo: p.returnWaybillNo, returnReason: p.returnReason, warnings,
  };
}
