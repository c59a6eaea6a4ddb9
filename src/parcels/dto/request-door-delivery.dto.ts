import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length } from 'class-validator';
import { DoorDeliveryReason } from '../parcel.enums';

export class RequestDoorDeliveryDto {
  @ApiProperty({ enum: DoorDeliveryReason })
  @IsEnum(DoorDeliveryReason)
  reason: DoorDeliveryReason;

  @ApiPropertyOptional({ example: '花桥港村3组12号' })
  @IsOptional() @IsString() @Length(1, 255)
  address?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @Length(1, 255)
  note?: string;
}
