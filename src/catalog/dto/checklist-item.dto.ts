import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class ChecklistItemDto {
  @ApiProperty({ example: 'cracks' }) @Matches(/^[a-z][a-zA-Z0-9_]{0,31}$/)
  key: string;

  @ApiProperty({ example: '无裂纹' }) @IsString() @Length(1, 32)
  label: string;
}
