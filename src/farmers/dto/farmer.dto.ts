import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PayoutMethod } from '../farmer.entity';

export class FarmerPayoutView {
  @ApiProperty({ enum: PayoutMethod }) method: PayoutMethod;
  @ApiPropertyOptional({ nullable: true }) bankName: string | null;
  @ApiPropertyOptional({ nullable: true, example: '**** **** 0123' }) accountMasked: string | null;
}

/** A farmer as staff see it: ID and account numbers never leave the server except their last 4. */
export class FarmerDto {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: '本点代办员与管理员可见完整号码，其他人为 138****1234' }) phone: string;
  @ApiProperty() phoneMasked: boolean;
  @ApiProperty() villageRegionId: string;
  @ApiProperty() usualPointId: string;
  @ApiPropertyOptional({ nullable: true }) idNumberLast4: string | null;
  @ApiProperty({ type: FarmerPayoutView }) payout: FarmerPayoutView;
  @ApiPropertyOptional({ nullable: true, description: '收款信息核实时间；修改收款信息后清空 when the payout details were verified' }) payoutVerifiedAt: Date | null;
  @ApiProperty() smsConsent: boolean;
  @ApiProperty({ nullable: true, type: String, description: '家属手机号（非本人及其代办员时打码）' }) familyPhone: string | null;
  @ApiProperty() hardship: boolean;
  @ApiProperty() showNameOnTrace: boolean;
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}
