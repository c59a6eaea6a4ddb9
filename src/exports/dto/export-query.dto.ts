import { ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { IsEnum, IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { ListAuditLogsQueryDto } from '../../audit/dto/list-audit-logs.dto';
import { ListConsignmentsQueryDto } from '../../intake/dto/list-consignments-query.dto';
import { ListDownParcelsQueryDto } from '../../parcels/dto/list-down-parcels-query.dto';
import { ListUpParcelsQueryDto } from '../../parcels/dto/list-up-parcels-query.dto';
import { PayoutChannel, PayoutStatus } from '../../payouts/payout.entity';
import { StatementStatus } from '../../settlement/payout-statement.entity';
import { EXPORT_FORMATS, ExportFormat } from '../export-column';
import type { ExportDelivery } from '../exports.service';

/** What every export takes besides the list's own filters. */
export class ExportFormatQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv', description: 'csv（UTF-8 带 BOM）或 xlsx（Excel）' })
  @IsOptional() @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: ['stream', 'inline'], default: 'stream', description: 'stream：流式下载，不限行数；inline：一次性文件（带 Content-Length），不超过 EXPORT_MAX_ROWS_INLINE 行' })
  @IsOptional() @IsIn(['stream', 'inline'])
  delivery?: ExportDelivery;
}

export class ExportConsignmentsQueryDto extends IntersectionType(OmitType(ListConsignmentsQueryDto, ['limit', 'cursor'] as const), ExportFormatQueryDto) {}

export class ExportAuditLogsQueryDto extends IntersectionType(OmitType(ListAuditLogsQueryDto, ['limit', 'cursor'] as const), ExportFormatQueryDto) {}

export class ExportDownParcelsQueryDto extends IntersectionType(OmitType(ListDownParcelsQueryDto, ['limit', 'cursor'] as const), ExportFormatQueryDto) {}

export class ExportUpParcelsQueryDto extends IntersectionType(OmitType(ListUpParcelsQueryDto, ['limit', 'cursor'] as const), ExportFormatQueryDto) {}

export class ExportRunStatementsQueryDto extends ExportFormatQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  pointId?: string;
}

export class ExportStatementsQueryDto extends ExportRunStatementsQueryDto {
  @ApiPropertyOptional({ description: '结算批次' }) @IsOptional() @Matches(/^\d{1,20}$/)
  runId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  farmerId?: string;

  @ApiPropertyOptional({ enum: StatementStatus }) @IsOptional() @IsEnum(StatementStatus)
  status?: StatementStatus;
}

export class ExportPayoutsQueryDto extends ExportFormatQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  pointId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  farmerId?: string;

  @ApiPropertyOptional({ enum: PayoutStatus }) @IsOptional() @IsEnum(PayoutStatus)
  status?: PayoutStatus;

  @ApiPropertyOptional({ enum: PayoutChannel }) @IsOptional() @IsEnum(PayoutChannel)
  channel?: PayoutChannel;

  @ApiPropertyOptional({ description: '发起时间起（含）ISO 8601' }) @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: '发起时间止（不含）ISO 8601' }) @IsOptional() @IsISO8601({ strict: true })
  to?: string;
}
