import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { ConsignmentQueriesService } from './consignment-queries.service';
import { ConsignmentsService } from './consignments.service';
import { BulkSyncDto } from './dto/bulk-sync.dto';
import { BulkSyncResultDto, ConsignmentDto } from './dto/consignment.dto';
import { CreateConsignmentDto } from './dto/create-consignment.dto';
import { DaySheetQueryDto } from './dto/day-sheet-query.dto';
import { DaySheetDto } from './dto/day-sheet.dto';
import { HandBackDto, HandBackResultDto } from './dto/hand-back.dto';
import { ListConsignmentsQueryDto } from './dto/list-consignments-query.dto';
import { QcCorrectionDto } from './dto/qc-correction.dto';
import { QualityCheckDto } from './dto/quality-check.dto';
import { VoidConsignmentDto } from './dto/void-consignment.dto';
import { HandBacksService } from './hand-backs.service';
import { QualityChecksService } from './quality-checks.service';

@ApiTags('intake 交售与质检')
@ApiBearerAuth()
@Controller()
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
export class IntakeController {
  constructor(
    private readonly consignments: ConsignmentsService,
    private readonly queries: ConsignmentQueriesService,
    private readonly qc: QualityChecksService,
    private readonly handBacks: HandBacksService,
  ) {}

  @Post('consignments')
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '记录交售单（201 新建；同一 clientId 重发返回 200 原单）Record a consignment; a retry answers 200 with the original' })
  async create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateConsignmentDto, @Res({ passthrough: true }) res: Response): Promise<ConsignmentDto> {
    const { created, consignment } = await this.consignments.create(actor, dto);
    res.status(created ? 201 : 200);
    return consignment;
  }

  @Post('consignments/bulk')
  @HttpCode(200)
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '离线批量同步（最多 500 单，逐条答复）Bulk sync of offline consignments, answered per item' })
  bulk(@CurrentPrincipal() actor: Principal, @Body() dto: BulkSyncDto): Promise<BulkSyncResultDto> {
    return this.consignments.bulkSync(actor, dto.items);
  }

  @Get('consignments')
  @ApiOperation({ summary: '交售单列表（服务点、日期、农户、商品、状态）List consignments' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListConsignmentsQueryDto) {
    return this.queries.list(actor, query);
  }

  @Get('consignments/:id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<ConsignmentDto> {
    return this.queries.get(actor, id);
  }

  @Post('consignments/:id/quality-checks')
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '质检（一行或多行）；相同内容重发返回 200 Quality check of lines' })
  async inspect(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: QualityCheckDto, @Res({ passthrough: true }) res: Response): Promise<ConsignmentDto> {
    const { created, consignment } = await this.qc.inspect(actor, id, dto);
    res.status(created ? 201 : 200);
    return consignment;
  }

  @Post('consignments/:id/lines/:lineNo/qc-corrections')
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '质检更正（留痕：更正记录含前后值与原因）Correct a line QC; recorded as an amendment' })
  correct(
    @CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Param('lineNo', ParseIntPipe) lineNo: number, @Body() dto: QcCorrectionDto,
  ): Promise<ConsignmentDto> {
    return this.qc.correct(actor, id, lineNo, dto);
  }

  @Post('consignments/:id/lines/:lineNo/hand-backs')
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '寄售货退还农户（留在服务点、未装批的部分；同一 clientId 重发返回 200）Give consignment goods still at the point back to the farmer' })
  async handBack(
    @CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Param('lineNo', ParseIntPipe) lineNo: number, @Body() dto: HandBackDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HandBackResultDto> {
    const { created, handBack } = await this.handBacks.handBack(actor, id, lineNo, dto);
    res.status(created ? 201 : 200);
    return handBack;
  }

  @Post('consignments/:id/void')
  @HttpCode(200)
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '作废未质检的交售单（时限内，须填原因）Void an uninspected consignment' })
  void(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: VoidConsignmentDto): Promise<ConsignmentDto> {
    return this.consignments.void(actor, id, dto);
  }

  @Get('farmers/:id/consignments')
  @ApiOperation({ summary: '农户交售历史 A farmer\'s consignments' })
  farmerHistory(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: ListConsignmentsQueryDto) {
    return this.queries.farmerHistory(actor, id, query);
  }

  @Get('points/:id/day-sheet')
  @ApiOperation({ summary: '服务点日结单 Day sheet of a point' })
  daySheet(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: DaySheetQueryDto): Promise<DaySheetDto> {
    return this.queries.daySheet(actor, id, query.day);
  }
}
