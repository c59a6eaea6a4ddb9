import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { MOBILE_PHONE } from '../../common/validation';
import { SmsStatus } from '../sms-message.entity';

export class ListSmsMessagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SmsStatus, description: '状态，如 DEAD（发送失败）' }) @IsOptional() @IsEnum(SmsStatus)
  status?: SmsStatus;

  @ApiPropertyOptional({ description: '收信手机号（完整）' }) @IsOptional() @Matches(MOBILE_PHONE)
  phone?: string;

  @ApiPropertyOptional({ description: '模板，如 PARCEL_ARRIVED' }) @IsOptional() @IsString() @Matches(/^[A-Z_]{1,40}$/)
  template?: string;

  @ApiPropertyOptional({ description: '农户 id' }) @IsOptional() @Matches(/^\d{1,20}$/)
  farmerId?: string;
}

export class SmsMessageDto {
  @ApiProperty() id: string;
  @ApiProperty() sourceKey: string;
  @ApiProperty() recipientPhone: string;
  @ApiProperty() recipientRole: string;
  @ApiProperty({ nullable: true, type: String }) farmerId: string | null;
  @ApiProperty() template: string;
  @ApiProperty({ description: '短信正文（中文）' }) body: string;
  @ApiProperty({ enum: SmsStatus }) status: SmsStatus;
  @ApiProperty({ nullable: true, type: String }) provider: string | null;
  @ApiProperty({ nullable: true, type: String }) providerMessageId: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty() deferrals: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ nullable: true, type: Date }) scheduledAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) sentAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) deliveredAt: Date | null;
  @ApiProperty() createdAt: Date;
}
