import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { DoorDeliveryStatus } from '../parcel.enums';

export class ListDoorDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DoorDeliveryStatus })
  @IsOptional() @IsEnum(DoorDeliveryStatus)
  status?: DoorDeliveryStatus;
}
