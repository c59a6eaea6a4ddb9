import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SettlementMode } from '../../catalog/product.entity';
import { AmendmentKind, ConsignmentStatus, LineStatus, RejectDisposition, RejectReason } from '../intake-status';

export class QcGradeView {
  @ApiProperty() id: string;
  @ApiProperty() gradeCode: string;
  @ApiProperty() quantityBase: number;
  @ApiProperty() priceFen: number;
  @ApiProperty() priceUnitSizeBase: number;
  @ApiProperty() amountFen: number;
}

export class QcRejectView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: RejectReason }) reason: RejectReason;
  @ApiProperty() quantityBase: number;
  @ApiProperty({ enum: RejectDisposition }) disposition: RejectDisposition;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
}

export class QualityCheckView {
  @ApiProperty() id: string;
  @ApiProperty() revision: number;
  @ApiProperty() checkedBy: string;
  @ApiProperty() checkedAt: Date;
  @ApiProperty() acceptedQuantityBase: number;
  @ApiProperty() rejectedQuantityBase: number;
  @ApiPropertyOptional({ nullable: true }) measuredWeightGrams: number | null;
  @ApiProperty() checklist: Record<string, boolean>;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty({ type: [QcGradeView] }) accepted: QcGradeView[];
  @ApiProperty({ type: [QcRejectView] }) rejected: QcRejectView[];
}

export class ConsignmentLineView {
  @ApiProperty() id: string;
  @ApiProperty() lineNo: number;
  @ApiProperty() productId: string;
  @ApiProperty() declaredGradeCode: string;
  @ApiProperty({ example: '2.5' }) quantity: string;
  @ApiProperty({ example: '斤' }) unit: string;
  @ApiProperty() unitSizeBase: number;
  @ApiProperty({ description: '基本单位数量 quantity in base units' }) quantityBase: number;
  @ApiProperty({ description: '申报等级价格快照（分/价格单位）' }) priceFen: number;
  @ApiProperty() priceUnitName: string;
  @ApiProperty() priceUnitSizeBase: number;
  @ApiProperty({ enum: SettlementMode }) settlementMode: SettlementMode;
  @ApiProperty() estimatedAmountFen: number;
  @ApiProperty({ enum: LineStatus }) status: LineStatus;
  @ApiProperty() acceptedQuantityBase: number;
  @ApiProperty() rejectedQuantityBase: number;
  @ApiProperty() batchedQuantityBase: number;
  @ApiProperty({ description: '已退还农户（寄售货未售出领回）Given back to the farmer at the point' }) handedBackQuantityBase: number;
  @ApiProperty() acceptedAmountFen: number;
  @ApiPropertyOptional({ type: QualityCheckView, nullable: true }) qualityCheck?: QualityCheckView | null;
}

export class AmendmentView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: AmendmentKind }) kind: AmendmentKind;
  @ApiPropertyOptional({ nullable: true }) lineId: string | null;
  @ApiProperty() actorId: string;
  @ApiProperty() reason: string;
  @ApiProperty() before: Record<string, unknown>;
  @ApiProperty() after: Record<string, unknown>;
  @ApiProperty() createdAt: Date;
}

export class ConsignmentDto {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ example: 'HQG-20261123-0007' }) receiptNo: string;
  @ApiProperty() businessDay: string;
  @ApiProperty() pointId: string;
  @ApiProperty() farmerId: string;
  @ApiProperty() capturedAt: Date;
  @ApiProperty() receivedAt: Date;
  @ApiProperty({ enum: ConsignmentStatus }) status: ConsignmentStatus;
  @ApiProperty() lineCount: number;
  @ApiProperty() estimatedAmountFen: number;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiPropertyOptional({ nullable: true }) voidedAt: Date | null;
  @ApiPropertyOptional({ nullable: true }) voidReason: string | null;
  @ApiPropertyOptional({ type: [ConsignmentLineView] }) lines?: ConsignmentLineView[];
  @ApiPropertyOptional({ type: [AmendmentView] }) amendments?: AmendmentView[];
}

export class BulkItemResult {
  @ApiProperty() index: number;
  @ApiPropertyOptional({ nullable: true }) clientId: string | null;
  @ApiProperty({ enum: ['CREATED', 'ALREADY_EXISTS', 'REJECTED'] }) result: 'CREATED' | 'ALREADY_EXISTS' | 'REJECTED';
  @ApiPropertyOptional({ type: ConsignmentDto }) consignment?: ConsignmentDto;
  @ApiPropertyOptional() error?: { statusCode: number; code: string; message: string; messageEn: string; details: Array<{ field: string; message: string; messageEn: string }> };
}

export class BulkSyncResultDto {
  @ApiProperty() created: number;
  @ApiProperty() alreadyExisting: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ type: [BulkItemResult] }) results: BulkItemResult[];
}
