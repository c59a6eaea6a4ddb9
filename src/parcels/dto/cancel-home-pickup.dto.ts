import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CancelHomePickupDto {
  @ApiProperty({ example: '村民改为自行到点寄件' })
  @IsString() @Length(1, 255)
  reason: string;
}
