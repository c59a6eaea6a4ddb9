import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class VoidConsignmentDto {
  @ApiProperty({ example: '农户取消交售' }) @IsString() @Length(2, 255)
  reason: string;
}
