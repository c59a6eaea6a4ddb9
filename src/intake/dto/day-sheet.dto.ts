import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BaseUnit } from '../../catalog/product.entity';
import { RejectReason } from '../intake-status';

export class DaySheetGradeRow {
  @ApiProperty() gradeCode: string;
  @ApiProperty() gradeName: string;
  @ApiProperty() quantityBase: number;
  @ApiProperty() amountFen: number;
}

export class DaySheetRejectRow {
  @ApiProperty({ enum: RejectReason }) reason: RejectReason;
  @ApiProperty({ example: '破损' }) reasonName: string;
  @ApiProperty() quantityBase: number;
}

export class DaySheetProductRow {
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiPropertyOptional({ enum: BaseUnit, nullable: true }) baseUnit: BaseUnit | null;
  @ApiProperty() lineCount: number;
  @ApiProperty() deliveredQuantityBase: number;
  @ApiProperty() acceptedQuantityBase: number;
  @ApiProperty() rejectedQuantityBase: number;
  @ApiProperty() uninspectedQuantityBase: number;
  @ApiProperty() acceptedAmountFen: number;
  @ApiProperty({ type: [DaySheetGradeRow] }) acceptedByGrade: DaySheetGradeRow[];
  @ApiProperty({ type: [DaySheetRejectRow] }) rejectedByReason: DaySheetRejectRow[];
}

/** 日结单: a point's intake of one business day (Asia/Shanghai). */
export class DaySheetDto {
  @ApiProperty() pointId: string;
  @ApiProperty() pointCode: string;
  @ApiProperty({ example: '2026-11-23' }) day: string;
  @ApiProperty({ description: '有效交售单数（不含作废）' }) consignmentCount: number;
  @ApiProperty() voidedCount: number;
  @ApiProperty() farmerCount: number;
  @ApiProperty({ type: [DaySheetProductRow] }) products: DaySheetProductRow[];
}
