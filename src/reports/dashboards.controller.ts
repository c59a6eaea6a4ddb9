import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { NotFoundError } from '../common/errors/domain-error';
import { DASHBOARD_NAMES, DashboardName } from './dashboard-columns';
import { DashboardsService } from './dashboards.service';
import { ExportColumn } from '../exports/export-column';
import { ExportsService } from '../exports/exports.service';
import { DashboardColumn, DashboardRow } from './dashboard-columns';
import { DashboardExportQueryDto, DashboardQueryDto, RebuildRollupsDto } from './dto/dashboard-query.dto';
import { RollupsService } from './rollups.service';

const DASHBOARD_NAME_PIPE = new ParseEnumPipe(Object.fromEntries(DASHBOARD_NAMES.map((x) => [x, x])), {
  exceptionFactory: () => new NotFoundError('看板', 'Dashboard', 'DASHBOARD_NOT_FOUND'),
});

function toExportColumn(column: DashboardColumn): ExportColumn {
  return { key: column.key, header: column.header, kind: column.kind };
}

/** Dashboards give percentages in basis points (9250 = 92.50 %); exports take a fraction. */
function toExportRow(columns: readonly DashboardColumn[], row: DashboardRow): DashboardRow {
  const out: DashboardRow = { ...row };
  for (const c of columns) {
    const v = row[c.key];
    if (c.kind === 'percent' && typeof v === 'number') out[c.key] = v / 10_000;
  }
  return out;
}

@ApiTags('dashboards 报表看板')
@ApiBearerAuth()
@Controller()
export class DashboardsController {
  constructor(
    private readonly dashboards: DashboardsService,
    private readonly rollups: RollupsService,
    private readonly exports: ExportsService,
  ) {}

  @Get('dashboards/:name')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiParam({ name: 'name', enum: DASHBOARD_NAMES })
  @ApiOperation({ summary: '看板：服务点 / 乡镇 / 县 / 市 / 全公司，按日期范围 A dashboard for a point, region or the company over a date range' })
  dashboard(
    @CurrentPrincipal() actor: Principal,
    @Param('name', DASHBOARD_NAME_PIPE) name: DashboardName,
    @Query() query: DashboardQueryDto,
  ) {
    return this.dashboards.run(name, actor, query);
  }

  @Get('dashboards/:name/export')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiParam({ name: 'name', enum: DASHBOARD_NAMES })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({ summary: '导出看板（CSV / Excel，可超过在线查询的日期上限）Export a dashboard; ranges longer than the live limit are allowed' })
  async dashboardExport(
    @CurrentPrincipal() actor: Principal,
    @Param('name', DASHBOARD_NAME_PIPE) name: DashboardName,
    @Query() query: DashboardExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const { format, delivery, ...dashboardQuery } = query;
    // Scope and range are checked before a byte is sent, so a refusal is the usual error body.
    const result = await this.dashboards.run(name, actor, dashboardQuery, 'export');
    const filename = `${result.title}-${result.scope.name}-${result.from}_${result.to}`.replace(/[\\/:*?"<>|\s]+/g, '_');
    const request = { format: format ?? 'csv', delivery: delivery ?? 'stream', filename, columns: result.columns.map(toExportColumn), sheetName: result.title } as const;
    const rows = result.rows.map((row) => toExportRow(result.columns, row));
    await (request.delivery === 'inline' ? this.exports.sendInline(res, request, rows) : this.exports.sendStream(res, request, rows));
  }

  @Post('reports/rollups/rebuild')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '重算报表日汇总（幂等）Recompute the daily roll-ups of a range of days (idempotent)' })
  rebuild(@CurrentPrincipal() actor: Principal, @Body() body: RebuildRollupsDto) {
    this.dashboards.checkRange(body.from, body.to);
    return this.rollups.rebuildForAdmin(actor, body.from, body.to);
  }
}
