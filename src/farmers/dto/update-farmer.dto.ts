import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, Matches, ValidateNested } from 'class-validator';
import { CreateFarmerDto } from './create-farmer.dto';
import { PayoutDto } from './payout.dto';

/** Any field may change; `idNumber: null` is not accepted (an ID, once recorded, is replaced, not erased). */
export class UpdateFarmerDto extends PartialType(CreateFarmerDto) {
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    example: '123456',
    description: '修改收款信息时必填：发到农户当前手机的6位验证码（POST /farmers/{id}/payout-code）。Required with `payout`: the code sent to the farmer\'s current phone',
  })
  @IsOptional() @Matches(/^\d{6}$/)
  payoutCode?: string;
}

/** The farmer's own payout change in the app: new details and the code sent to the farmer's phone. */
export class ChangeOwnPayoutDto {
  @ApiProperty({ type: PayoutDto })
  @ValidateNested() @Type(() => PayoutDto)
  payout: PayoutDto;

  @ApiProperty({ example: '123456', description: '发到本人手机的6位验证码（POST /me/payout-code）' })
  @Matches(/^\d{6}$/)
  code: string;
}
