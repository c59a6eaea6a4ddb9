import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorDetail } from '../../common/errors/domain-error';
import {
  ArrivalSource, DoorDeliveryReason, DoorDeliveryStatus, DownParcelStatus, HomePickupStatus, ParcelDirection,
  PickupMethod, SenderKind, UpParcelStatus,
} from '../parcel.enums';

export class CarrierDto {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true }) waybillHint: string | null;
  @ApiProperty({ description: '全局启用 active everywhere' }) active: boolean;
  @ApiPropertyOptional({ description: '在所查服务点是否可用 active at the point asked about' }) activeAtPoint?: boolean;
}

export class ParcelStationDto {
  @ApiProperty() pointId: string;
  @ApiProperty() shelfCount: number;
  @ApiProperty() layerCount: number;
  @ApiProperty({ description: '不重复取件码容量 distinct pickup codes' }) codeCapacity: number;
}

/** A down parcel as staff see it; the recipient phone is always masked. */
export class DownParcelDto {
  @ApiProperty() id: string;
  @ApiProperty() pointId: string;
  @ApiProperty() carrierId: string;
  @ApiProperty() carrierCode: string;
  @ApiProperty() waybillNo: string;
  @ApiProperty() recipientName: string;
  @ApiProperty({ example: '138****1234' }) recipientPhoneMasked: string | null;
  @ApiPropertyOptional({ nullable: true }) recipientFarmerId: string | null;
  @ApiPropertyOptional({ nullable: true }) weightG: number | null;
  @ApiProperty({ example: '3-2-0417' }) pickupCode: string;
  @ApiProperty({ enum: DownParcelStatus }) status: DownParcelStatus;
  @ApiProperty({ enum: ArrivalSource }) source: ArrivalSource;
  @ApiPropertyOptional({ nullable: true }) manifestId: string | null;
  @ApiProperty() arrivedAt: Date;
  @ApiPropertyOptional({ nullable: true }) remindedAt: Date | null;
  @ApiProperty() failedPickupAttempts: number;
  @ApiPropertyOptional({ nullable: true }) flaggedAt: Date | null;
  @ApiPropertyOptional({ nullable: true }) collectedAt: Date | null;
  @ApiPropertyOptional({ enum: PickupMethod, nullable: true }) pickupMethod: PickupMethod | null;
  @ApiPropertyOptional({ nullable: true }) proxyName: string | null;
  @ApiPropertyOptional({ nullable: true }) proxyPhoneMasked: string | null;
  @ApiPropertyOptional({ nullable: true }) proxyNote: string | null;
  @ApiPropertyOptional({ nullable: true }) returnedAt: Date | null;
  @ApiPropertyOptional({ nullable: true }) returnWaybillNo: string | null;
  @ApiPropertyOptional({ nullable: true }) returnReason: string | null;
  @ApiProperty({ description: '提示（不影响登记）warnings that did not stop the registration' }) warnings: ErrorDetail[];
}

export class ManifestRowErrorDto {
  @ApiProperty({ description: 'CSV 行号（表头为第 1 行）line number, header is line 1' }) line: number;
  @ApiPropertyOptional() waybillNo?: string;
  @ApiProperty() field: string;
  @ApiProperty() message: string;
  @ApiProperty() messageEn: string;
}

export class ManifestAlreadyRegisteredDto {
  @ApiProperty() line: number;
  @ApiProperty() waybillNo: string;
  @ApiProperty() carrierCode: string;
  @ApiProperty() parcelId: string;
}

export class ManifestResultDto {
  @ApiPropertyOptional({ nullable: true, description: '无新件时为空 null when nothing was imported' }) manifestId: string | null;
  @ApiProperty() mode: string;
  @ApiProperty() rowCount: number;
  @ApiProperty() importedCount: number;
  @ApiProperty() alreadyRegisteredCount: number;
  @ApiProperty() rejectedCount: number;
  @ApiProperty({ type: [ManifestRowErrorDto] }) rejected: ManifestRowErrorDto[];
  @ApiProperty({ type: [ManifestAlreadyRegisteredDto] }) alreadyRegistered: ManifestAlreadyRegisteredDto[];
  @ApiProperty({ type: [ManifestRowErrorDto], description: '格式提示（已导入）hints on imported rows' }) warnings: ManifestRowErrorDto[];
}

export class DoorDeliveryDto {
  @ApiProperty() id: string;
  @ApiProperty() parcelId: string;
  @ApiProperty() pointId: string;
  @ApiProperty({ enum: DoorDeliveryReason }) reason: DoorDeliveryReason;
  @ApiPropertyOptional({ nullable: true }) address: string | null;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty({ enum: DoorDeliveryStatus }) status: DoorDeliveryStatus;
  @ApiProperty() requestedByUserId: string;
  @ApiPropertyOptional({ nullable: true }) deliveredByName: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveredByUserId: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveredAt: Date | null;
  @ApiProperty() createdAt: Date;
}

export class UpParcelDto {
  @ApiProperty() id: string;
  @ApiProperty() pointId: string;
  @ApiProperty() carrierId: string;
  @ApiProperty() carrierCode: string;
  @ApiProperty() waybillNo: string;
  @ApiProperty({ enum: SenderKind }) senderKind: SenderKind;
  @ApiPropertyOptional({ nullable: true }) senderFarmerId: string | null;
  @ApiProperty() senderName: string;
  @ApiProperty() senderPhoneMasked: string | null;
  @ApiProperty() destinationProvince: string;
  @ApiProperty() destinationCity: string;
  @ApiProperty() weightG: number;
  @ApiProperty({ description: '运费（分）fee in fen' }) feeFen: number;
  @ApiProperty() declaredContents: string;
  @ApiPropertyOptional({ nullable: true }) goodsProductId: string | null;
  @ApiPropertyOptional({ nullable: true }) goodsQuantity: number | null;
  @ApiProperty({ enum: UpParcelStatus }) status: UpParcelStatus;
  @ApiPropertyOptional({ nullable: true }) handoverId: string | null;
  @ApiPropertyOptional({ nullable: true }) homePickupRequestId: string | null;
  @ApiProperty() sentAt: Date;
  @ApiProperty() warnings: ErrorDetail[];
}

export class HomePickupDto {
  @ApiProperty() id: string;
  @ApiProperty() pointId: string;
  @ApiPropertyOptional({ nullable: true }) carrierId: string | null;
  @ApiProperty() requesterName: string;
  @ApiProperty() requesterPhoneMasked: string | null;
  @ApiPropertyOptional({ nullable: true }) requesterFarmerId: string | null;
  @ApiProperty() address: string;
  @ApiProperty() windowStart: Date;
  @ApiProperty() windowEnd: Date;
  @ApiProperty({ enum: HomePickupStatus }) status: HomePickupStatus;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiPropertyOptional({ nullable: true }) closedAt: Date | null;
  @ApiProperty() createdAt: Date;
}

export class HandoverDto {
  @ApiProperty() id: string;
  @ApiProperty() pointId: string;
  @ApiProperty() carrierId: string;
  @ApiProperty() businessDay: string;
  @ApiProperty() parcelCount: number;
  @ApiProperty() waybillNos: string[];
  @ApiProperty() courierName: string;
  @ApiProperty() courierPhoneMasked: string | null;
  @ApiProperty() courierSignature: string;
  @ApiProperty() agentUserId: string;
  @ApiProperty() handedOverAt: Date;
}

export class PointDailyCountDto {
  @ApiProperty() day: string;
  @ApiProperty() carrierCode: string;
  @ApiProperty({ enum: ParcelDirection }) direction: ParcelDirection;
  @ApiProperty() received: number;
  @ApiProperty() collected: number;
  @ApiProperty() returned: number;
  @ApiProperty() sent: number;
  @ApiPropertyOptional({ nullable: true }) averagePickupMinutes: number | null;
}

export class PointParcelStatsDto {
  @ApiProperty() pointId: string;
  @ApiProperty({ description: '待取件数 uncollected now' }) awaitingPickup: number;
  @ApiProperty({ description: '超期（已到提醒天数）overdue' }) overdue: number;
  @ApiProperty({ description: '应退回 due for return' }) dueForReturn: number;
  @ApiProperty({ description: '因取件码错误被锁定 flagged' }) flagged: number;
  @ApiProperty() collectedLast30Days: number;
  @ApiPropertyOptional({ nullable: true, description: '平均取件时长（分钟）average minutes from arrival to pickup' }) averagePickupMinutesLast30Days: number | null;
  @ApiProperty() remindAfterDays: number;
  @ApiProperty() returnAfterDays: number;
}

export class CarrierCountDto {
  @ApiProperty() carrierCode: string;
  @ApiProperty() received: number;
  @ApiProperty() collected: number;
  @ApiProperty() returned: number;
  @ApiProperty() sent: number;
}

export class CountTotalsDto {
  @ApiProperty({ description: '下行到件 down parcels received' }) received: number;
  @ApiProperty() collected: number;
  @ApiProperty() returned: number;
  @ApiProperty({ description: '上行寄件 up parcels sent' }) sent: number;
  @ApiPropertyOptional({ nullable: true, description: '上行占比（%）sent ÷ (received + sent)' }) upSharePercent: number | null;
  @ApiPropertyOptional({ nullable: true }) averagePickupMinutes: number | null;
}

export class RegionPeriodCountDto extends CountTotalsDto {
  @ApiProperty() periodStart: string;
  @ApiProperty({ type: [CarrierCountDto] }) byCarrier: CarrierCountDto[];
}

export class RegionCountsDto {
  @ApiProperty() regionId: string;
  @ApiProperty() regionName: string;
  @ApiProperty() regionLevel: string;
  @ApiProperty() period: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [RegionPeriodCountDto] }) periods: RegionPeriodCountDto[];
  @ApiProperty({ type: CountTotalsDto }) total: CountTotalsDto;
}
