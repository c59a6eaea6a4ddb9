import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { PickupProxyDto } from './pickup-proxy.dto';

/** Pickup of a parcel chosen from the phone-tail lookup, confirmed with the recipient's phone tail. */
export class PickupParcelDto extends PickupProxyDto {
  @ApiProperty({ example: '1234', description: '收件人手机尾号确认 confirm the last 4 digits' })
  @Matches(/^\d{4}$/)
  phoneLast4: string;
}
