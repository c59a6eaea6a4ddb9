import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { ExportFormatQueryDto } from '../../exports/dto/export-query.dto';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ID = /^[1-9]\d{0,19}$/;

export enum DashboardScope {
  POINT = 'point',
  REGION = 'region',
  COMPANY = 'company',
}

export class DashboardQueryDto {
  @ApiProperty({ enum: DashboardScope, description: '服务点 / 区划（乡镇、县、市）/ 全公司 point, region (township, county, city) or the whole company' })
  @IsEnum(DashboardScope)
  scope: DashboardScope;

  @ApiPropertyOptional({ description: 'scope=point 时必填 required with scope=point' })
  @IsOptional() @Matches(ID, { message: 'must be an id' })
  pointId?: string;

  @ApiPropertyOptional({ description: 'scope=region 时必填 required with scope=region' })
  @IsOptional() @Matches(ID, { message: 'must be an id' })
  regionId?: string;

  @ApiProperty({ example: '2026-11-01', description: '营业日（上海时间）起 first business day' })
  @Matches(DAY, { message: 'must be a day YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2026-11-30', description: '营业日止（含）last business day, inclusive' })
  @Matches(DAY, { message: 'must be a day YYYY-MM-DD' })
  to: string;

  @ApiPropertyOptional({ description: '排行榜条数 rows of a ranking (qc-rejects, top-villages)', default: 10 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class RebuildRollupsDto {
  @ApiProperty({ example: '2026-11-01' }) @Matches(DAY, { message: 'must be a day YYYY-MM-DD' }) from: string;
  @ApiProperty({ example: '2026-11-30' }) @Matches(DAY, { message: 'must be a day YYYY-MM-DD' }) to: string;
}

/** A dashboard's own query plus the export format (csv | xlsx) and delivery. */
export class DashboardExportQueryDto extends IntersectionType(DashboardQueryDto, ExportFormatQueryDto) {}
