import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsEnum, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { CommissionMode, SaleChannel } from '../ledger.enums';

export class CreateCommissionRuleDto {
  @ApiProperty() @Matches(/^\d{1,20}$/)
  productId: string;

  @ApiProperty({ enum: SaleChannel, description: 'PURCHASE = 收购 at QC; STORE/ONLINE/LIVESTREAM = 寄售 sold there' })
  @IsEnum(SaleChannel)
  channel: SaleChannel;

  @ApiProperty({ enum: CommissionMode }) @IsEnum(CommissionMode)
  agentMode: CommissionMode;

  @ApiPropertyOptional({ description: 'PER_UNIT: 每单位佣金（分） fen per unitSizeBase base units', default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  agentFenPerUnit?: number;

  @ApiPropertyOptional({ description: 'PER_UNIT: 计佣单位的基本单位数 (500 = per 斤 for grams)', default: 1 })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  unitSizeBase?: number;

  @ApiPropertyOptional({ description: 'PERCENT: 万分比 basis points of the farmer earning (300 = 3 %)', default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(5000)
  agentBasisPoints?: number;

  @ApiPropertyOptional({ description: '村集体分成 万分比 village collective share, basis points', default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(5000)
  collectiveBasisPoints?: number;

  @ApiProperty({ example: '2026-11-01T00:00:00+08:00' }) @IsDateString()
  effectiveFrom: string;

  @ApiPropertyOptional() @IsOptional() @IsDateString()
  effectiveTo?: string;
}

export class ListCommissionRulesQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  productId?: string;
}

export class CommissionPreviewDto {
  @ApiProperty() @Matches(/^\d{1,20}$/)
  productId: string;

  @ApiPropertyOptional({ enum: SaleChannel, default: SaleChannel.PURCHASE }) @IsOptional() @IsEnum(SaleChannel)
  channel?: SaleChannel;

  @ApiProperty({ description: '数量（基本单位）quantity in base units' }) @Type(() => Number) @IsInt() @Min(1) @Max(100_000_000)
  quantityBase: number;

  @ApiProperty({ description: '农户所得（分）the farmer earning in fen' }) @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000_000)
  amountFen: number;

  @ApiPropertyOptional({ description: '按此时刻生效的规则 rule in force at (default now; intake: capture time)' })
  @IsOptional() @IsDateString()
  at?: string;
}

export class CommissionRuleView {
  @ApiProperty() id: string;
  @ApiProperty() productId: string;
  @ApiProperty({ enum: SaleChannel }) channel: SaleChannel;
  @ApiProperty({ enum: CommissionMode }) agentMode: CommissionMode;
  @ApiProperty() agentFenPerUnit: number;
  @ApiProperty() unitSizeBase: number;
  @ApiProperty() agentBasisPoints: number;
  @ApiProperty() collectiveBasisPoints: number;
  @ApiProperty() effectiveFrom: Date;
  @ApiProperty({ nullable: true }) effectiveTo: Date | null;
  @ApiProperty() createdAt: Date;
}

export class CommissionPreviewView {
  @ApiProperty() farmerAmountFen: number;
  @ApiProperty() agentCommissionFen: number;
  @ApiProperty() collectiveShareFen: number;
  @ApiProperty({ type: CommissionRuleView, nullable: true }) rule: CommissionRuleView | null;
}
