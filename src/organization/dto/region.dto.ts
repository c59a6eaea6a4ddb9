import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { RegionLevel } from '../region-level.enum';

export class CreateRegionDto {
  @ApiPropertyOptional({ description: '上级区划 id (none for a province)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  parentId?: string;

  @ApiProperty({ enum: RegionLevel })
  @IsEnum(RegionLevel)
  level: RegionLevel;

  @ApiProperty({ example: '430922104001', description: '12 位统计用区划代码' })
  @Matches(/^\d{12}$/)
  code: string;

  @ApiProperty({ example: '花桥港村' })
  @IsString() @Length(1, 64)
  name: string;
}

export class ListRegionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  parentId?: string;

  @ApiPropertyOptional({ enum: RegionLevel }) @IsOptional() @IsEnum(RegionLevel)
  level?: RegionLevel;

  @ApiPropertyOptional({ description: '名称包含 name contains' }) @IsOptional() @IsString() @Length(1, 64)
  q?: string;
}

export class RegionDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true }) parentId: string | null;
  @ApiProperty({ enum: RegionLevel }) level: RegionLevel;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() path: string;
}
