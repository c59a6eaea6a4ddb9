import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { NotFoundError } from '../common/errors/domain-error';
import { DASHBOARD_NAMES, DashboardName } from './dashboard-columns';
import { DashboardsService } from './dashboards.service';
import { DashboardQueryDto, RebuildRollupsDto } from './dto/dashboard-query.dto';
import { RollupsService } from './rollups.service';

@ApiTags('dashboards 报表看板')
@ApiBearerAuth()
@Controller()
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService, private readonly rollups: RollupsService) {}

  @Get('dashboards/:name')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiParam({ name: 'name', enum: DASHBOARD_NAMES })
  @ApiOperation({ summary: '看板：服务点 / 乡镇 / 县 / 市 / 全公司，按日期范围 A dashboard for a point, region or the company over a date range' })
  dashboard(
    @CurrentPrincipal() actor: Principal,
    @Param('name', new ParseEnumPipe(Object.fromEntries(DASHBOARD_NAMES.map((x) => [x, x])), { exceptionFactory: () => new NotFoundError('看板', 'Dashboard', 'DASHBOARD_NOT_FOUND') })) name: DashboardName,
    @Query() query: DashboardQueryDto,
  ) {
    return this.dashboards.run(name, actor, query);
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
