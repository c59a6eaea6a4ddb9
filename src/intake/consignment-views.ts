import { ConsignmentLineEntity } from './consignment-line.entity';
import { ConsignmentEntity } from './consignment.entity';
import { AmendmentView, ConsignmentDto, ConsignmentLineView, QualityCheckView } from './dto/consignment.dto';
import { IntakeAmendmentEntity } from './intake-amendment.entity';

/** Entity → response mapping for consignments, shared by the write and read paths. */
export function toConsignmentDto(
  c: ConsignmentEntity,
  lines?: ConsignmentLineEntity[],
  qcByLine?: Map<string, QualityCheckView>,
  amendments?: IntakeAmendmentEntity[],
): ConsignmentDto {
  const dto: ConsignmentDto = {
    id: c.id, clientId: c.clientId, receiptNo: c.receiptNo, businessDay: c.businessDay, pointId: c.pointId, farmerId: c.farmerId,
    capturedAt: c.capturedAt, receivedAt: c.receivedAt, status: c.status, lineCount: c.lineCount,
    estimatedAmountFen: c.estimatedAmountFen, note: c.note, voidedAt: c.voidedAt, voidReason: c.voidReason,
  };
  if (lines) dto.lines = lines.map((l) => toLineView(l, qcByLine?.get(l.id) ?? null));
  if (amendments) dto.amendments = amendments.map(toAmendmentView);
  return dto;
}

export function toLineView(l: ConsignmentLineEntity, qc: QualityCheckView | null = null): ConsignmentLineView {
  return {
    id: l.id, lineNo: l.lineNo, productId: l.productId, declaredGradeCode: l.declaredGradeCode, quantity: l.quantityText,
    unit: l.unitName, unitSizeBase: l.unitSizeBase, quantityBase: l.quantityBase, priceFen: l.priceFen,
    priceUnitName: l.priceUnitName, priceUnitSizeBase: l.priceUnitSizeBase, settlementMode: l.settlementMode,
    estimatedAmountFen: l.estimatedAmountFen, status: l.status, acceptedQuantityBase: l.acceptedQuantityBase,
    rejectedQuantityBase: l.rejectedQuantityBase, batchedQuantityBase: l.batchedQuantityBase, handedBackQuantityBase: l.handedBackQuantityBase,
    acceptedAmountFen: l.acceptedAmountFen,
    qualityCheck: qc,
  };
}

function toAmendmentView(a: IntakeAmendmentEntity): AmendmentView {
  return { id: a.id, kind: a.kind, lineId: a.lineId, actorId: a.actorId, reason: a.reason, before: a.before, after: a.after, createdAt: a.createdAt };
}
