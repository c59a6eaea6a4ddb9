import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BaseUnit, SettlementMode } from '../product.entity';
import { ChecklistItemDto } from './checklist-item.dto';
import { DisplayUnitDto } from './display-unit.dto';
import { GradeDto } from './grade.dto';

export class PriceDto {
  @ApiProperty() id: string;
  @ApiProperty() productId: string;
  @ApiProperty() gradeCode: string;
  @ApiProperty() unitName: string;
  @ApiProperty() unitSizeBase: number;
  @ApiProperty({ description: '分/展示单位 fen per display unit' }) priceFen: number;
  @ApiProperty() effectiveFrom: Date;
  @ApiPropertyOptional({ nullable: true }) effectiveTo: Date | null;
  @ApiProperty() createdAt: Date;
}

export class ProductDto {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() category: string;
  @ApiProperty({ enum: BaseUnit }) baseUnit: BaseUnit;
  @ApiProperty({ type: [DisplayUnitDto] }) units: DisplayUnitDto[];
  @ApiProperty({ type: [GradeDto] }) grades: GradeDto[];
  @ApiProperty({ type: [ChecklistItemDto] }) qcChecklist: ChecklistItemDto[];
  @ApiProperty() shelfLifeDays: number;
  @ApiProperty({ enum: SettlementMode }) settlementMode: SettlementMode;
  @ApiProperty() maxQuantityBasePerLine: number;
  @ApiProperty() consignmentPeriodDays: number;
  @ApiPropertyOptional({ nullable: true }) farmerShareBasisPoints: number | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: [PriceDto], description: '当前生效价格 prices in force now, per grade' }) currentPrices: PriceDto[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}
