import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, Length } from 'class-validator';

export class CompleteDoorDeliveryDto {
  @ApiProperty({ example: '李代办', description: '送件人 who delivered' })
  @IsString() @Length(1, 50)
  deliveredByName: string;

  @ApiPropertyOptional({ description: '送达时间（默认现在）delivered at, ISO 8601' })
  @IsOptional() @IsDateString()
  deliveredAt?: string;
}
