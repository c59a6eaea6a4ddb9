import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class GradeDto {
  @ApiProperty({ example: 'A' }) @Matches(/^[A-Z0-9_]{1,16}$/)
  code: string;

  @ApiProperty({ example: '一级' }) @IsString() @Length(1, 16)
  name: string;
}
