import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ClearFlagDto {
  @ApiProperty({ example: '本人持身份证到场核实' })
  @IsString() @Length(1, 255)
  note: string;
}
