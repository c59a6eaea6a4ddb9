import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class DisplayUnitDto {
  @ApiProperty({ example: '斤' }) @IsString() @Length(1, 8)
  name: string;

  @ApiProperty({ example: 500, description: '每个展示单位的基本单位数（整数）base units per display unit' })
  @IsInt() @Min(1) @Max(1_000_000)
  baseUnitsPerDisplayUnit: number;
}
