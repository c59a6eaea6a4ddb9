import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { businessDay } from '../common/business-day';
import { IdParamPipe } from '../common/id-param.pipe';
import { ConsignmentQueriesService } from '../intake/consignment-queries.service';
import { DownParcelsService } from '../parcels/down-parcels.service';
import { UpParcelsService } from '../parcels/up-parcels.service';
import { PayoutsService } from '../payouts/payouts.service';
import { SettlementService } from '../settlement/settlement.service';
import {
  ExportAuditLogsQueryDto, ExportConsignmentsQueryDto, ExportDownParcelsQueryDto, ExportFormatQueryDto, ExportPayoutsQueryDto,
  ExportRunStatementsQueryDto, ExportStatementsQueryDto, ExportUpParcelsQueryDto,
} from './dto/export-query.dto';
import { EXPORT_COLUMNS } from './export-columns';
import { ExportRequest, ExportsService } from './exports.service';
import { StatementPrintService } from './statement-print.service';

const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/** Strips the export-only options off a query, leaving the list's own filters. */
function filtersOf<T extends ExportFormatQueryDto>(query: T): Omit<T, 'format' | 'delivery'> {
  const { format: _format, delivery: _delivery, ...filters } = query;
  return filters;
}

function request(query: ExportFormatQueryDto, name: string, columns: ExportRequest['columns']): ExportRequest {
  return { format: query.format ?? 'csv', delivery: query.delivery ?? 'stream', filename: `${name}-${businessDay(new Date()).replace(/-/g, '')}`, columns, sheetName: name };
}

/**
 * Downloads of every list as CSV or Excel, with the list's own filters, roles and scope (anything
 * out of scope is 404 before a byte is sent), and the farmer statement's print view.
 * These paths sit next to `/:id` routes of the same lists (`/consignments/export` beside
 * `/consignments/:id`), so this module is imported before the list modules (see AppModule).
 */
@ApiTags('exports 导出')
@ApiBearerAuth()
@Controller()
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly consignments: ConsignmentQueriesService,
    private readonly settlement: SettlementService,
    private readonly payouts: PayoutsService,
    private readonly parcels: DownParcelsService,
    private readonly upParcels: UpParcelsService,
    private readonly audit: AuditService,
    private readonly print: StatementPrintService,
  ) {}

  @Get('consignments/export')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出交售单（CSV / Excel，筛选同列表）Export consignments with the list filters' })
  async consignmentsExport(@CurrentPrincipal() actor: Principal, @Query() query: ExportConsignmentsQueryDto, @Res() res: Response): Promise<void> {
    const source = this.consignments.exportSource(actor, filtersOf(query));
    await this.exports.sendSource(res, request(query, '交售单', EXPORT_COLUMNS.consignments), source);
  }

  @Get('statements/export')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出结算单（可按批次、服务点、农户、状态）Export payout statements' })
  async statementsExport(@CurrentPrincipal() actor: Principal, @Query() query: ExportStatementsQueryDto, @Res() res: Response): Promise<void> {
    const source = await this.settlement.exportStatementsSource(actor, filtersOf(query));
    await this.exports.sendSource(res, request(query, '结算单', EXPORT_COLUMNS.statements), source);
  }

  @Get('settlement-runs/:id/statements/export')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出结算批次的结算单 Export the statements of a run' })
  async runStatementsExport(
    @CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) runId: string, @Query() query: ExportRunStatementsQueryDto, @Res() res: Response,
  ): Promise<void> {
    const source = await this.settlement.exportStatementsSource(actor, { ...filtersOf(query), runId });
    await this.exports.sendSource(res, request(query, `结算单-批次${runId}`, EXPORT_COLUMNS.statements), source);
  }

  @Get('payouts/export')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出打款记录 Export payouts' })
  async payoutsExport(@CurrentPrincipal() actor: Principal, @Query() query: ExportPayoutsQueryDto, @Res() res: Response): Promise<void> {
    const source = this.payouts.exportSource(actor, filtersOf(query));
    await this.exports.sendSource(res, request(query, '打款记录', EXPORT_COLUMNS.payouts), source);
  }

  @Get('points/:pointId/parcels/export')
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出服务点下行包裹 Export the down parcels of a point' })
  async parcelsExport(
    @CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: ExportDownParcelsQueryDto, @Res() res: Response,
  ): Promise<void> {
    const source = await this.parcels.exportSource(actor, pointId, filtersOf(query));
    await this.exports.sendSource(res, request(query, `下行包裹-服务点${pointId}`, EXPORT_COLUMNS.parcels), source);
  }

  @Get('points/:pointId/up-parcels/export')
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出服务点上行寄件（含运费）Export the up parcels of a point, with fees' })
  async upParcelsExport(
    @CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: ExportUpParcelsQueryDto, @Res() res: Response,
  ): Promise<void> {
    const source = await this.upParcels.exportSource(actor, pointId, filtersOf(query));
    await this.exports.sendSource(res, request(query, `上行寄件-服务点${pointId}`, EXPORT_COLUMNS.upParcels), source);
  }

  @Get('audit-logs/export')
  @Roles(Role.ADMIN)
  @ApiProduces(...FILE_TYPES)
  @ApiOperation({ summary: '导出审计日志（管理员）Export the audit log, admins only' })
  async auditExport(@CurrentPrincipal() actor: Principal, @Query() query: ExportAuditLogsQueryDto, @Res() res: Response): Promise<void> {
    const source = this.audit.exportSource(actor, filtersOf(query));
    await this.exports.sendSource(res, request(query, '审计日志', EXPORT_COLUMNS.auditLog), source);
  }

  @Get('statements/:id/print')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiProduces('text/html')
  @ApiOperation({ summary: '农户结算单打印页（一页，中文）Printable one-page statement' })
  printStatement(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    return this.html(res, this.print.render(actor, id));
  }

  @Get('me/statements/:id/print')
  @Roles(Role.FARMER)
  @ApiProduces('text/html')
  @ApiOperation({ summary: '我的结算单打印页 My statement, printable (404 for anyone else\'s)' })
  printMyStatement(@CurrentPrincipal() principal: Principal, @Param('id', IdParamPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    return this.html(res, this.print.render(principal, id));
  }

  /** The HTML type is set only once the page rendered, so a 404 still goes out as the JSON error body. */
  private async html(res: Response, page: Promise<string>): Promise<string> {
    const body = await page;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }
}
