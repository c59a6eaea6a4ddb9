import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class UpdateParcelStationDto {
  @ApiProperty({ example: 4, description: '货架数 shelves' })
  @IsInt() @Min(1) @Max(99)
  shelfCount: number;

  @ApiProperty({ example: 3, description: '每个货架层数 layers per shelf' })
  @IsInt() @Min(1) @Max(99)
  layerCount: number;
}
