import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';
import { PayoutDto } from './payout.dto';

export class CreateFarmerDto {
  @ApiProperty({ example: '吴金兰' })
  @IsString() @Length(1, 50)
  name: string;

  @ApiProperty({ example: '13907371234', description: '大陆手机号 mainland mobile' })
  @Matches(MOBILE_PHONE)
  phone: string;

  @ApiProperty({ description: '所在村区划 id home village region' })
  @Matches(/^\d{1,20}$/)
  villageRegionId: string;

  @ApiProperty({ description: '常用服务点 id usual commerce point' })
  @Matches(/^\d{1,20}$/)
  usualPointId: string;

  @ApiPropertyOptional({ example: '430922198001011234', description: '身份证号（可选，加密存储，只返回后四位）' })
  @IsOptional() @Matches(/^\d{17}[\dXx]$/)
  idNumber?: string;

  @ApiProperty({ type: PayoutDto })
  @ValidateNested() @Type(() => PayoutDto)
  payout: PayoutDto;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean()
  smsConsent?: boolean;

  @ApiPropertyOptional({ example: '13907375678', nullable: true, description: '家属手机号（可选）：通知短信同时发给家属 family member mobile, also gets the SMS' })
  @IsOptional() @Matches(MOBILE_PHONE)
  familyPhone?: string | null;

  @ApiPropertyOptional({ default: false, description: '困难户' }) @IsOptional() @IsBoolean()
  hardship?: boolean;

  @ApiPropertyOptional({ default: false, description: '同意在公开溯源页显示全名（否则显示 吴**）consent to show the full name on public trace pages' })
  @IsOptional() @IsBoolean()
  showNameOnTrace?: boolean;
}
