import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { PointCountsQueryDto } from './dto/point-counts-query.dto';
import { RegionCountsQueryDto } from './dto/region-counts-query.dto';
import { ParcelCountsService } from './parcel-counts.service';

@ApiTags('parcel counts 快递统计')
@ApiBearerAuth()
@Controller()
export class ParcelCountsController {
  constructor(private readonly counts: ParcelCountsService) {}

  @Get('points/:pointId/parcel-stats')
  @ApiOperation({ summary: '待取、超期、平均取件时长 Uncollected, overdue, average time to pickup' })
  stats(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string) {
    return this.counts.pointStats(actor, pointId);
  }

  @Get('points/:pointId/parcel-counts')
  @ApiOperation({ summary: '服务点每日计数 Daily counts per carrier and direction' })
  pointCounts(@CurrentPrincipal() actor: Principal, @Param('pointId', IdParamPipe) pointId: string, @Query() query: PointCountsQueryDto) {
    return this.counts.pointDaily(actor, pointId, query);
  }

  @Get('parcel-counts/regions/:regionId')
  @Roles(Role.ADMIN, Role.REGION_MANAGER)
  @ApiOperation({ summary: '乡镇/县/市按日、月、年汇总及上行占比 Region roll-up by day, month or year with the up share' })
  regionCounts(@CurrentPrincipal() actor: Principal, @Param('regionId', IdParamPipe) regionId: string, @Query() query: RegionCountsQueryDto) {
    return this.counts.regionReport(actor, regionId, query);
  }
}
