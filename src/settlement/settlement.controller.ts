import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { PageQueryDto } from '../common/pagination';
import { CreateSettlementRunDto, FarmerLedgerQueryDto, ListStatementsQueryDto, StatementListPageDto } from './dto/settlement.dto';
import { SettlementService } from './settlement.service';

@ApiTags('settlement 结算')
@ApiBearerAuth()
@Controller()
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  @Post('settlement-runs')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '发起结算（同一期间只生成一次：201 新建 / 200 已存在）Create the run for a period; 200 with the existing one' })
  async createRun(@CurrentPrincipal() actor: Principal, @Body() dto: CreateSettlementRunDto, @Res({ passthrough: true }) res: Response) {
    const { run, created } = await this.settlement.createRun(actor, actor.companyId, dto);
    res.status(created ? 201 : 200);
    return run;
  }

  @Get('settlement-runs')
  @Roles(Role.ADMIN, Role.REGION_MANAGER)
  listRuns(@CurrentPrincipal() actor: Principal, @Query() query: PageQueryDto) {
    return this.settlement.listRuns(actor, query);
  }

  @Get('settlement-runs/:id')
  @ApiOperation({ summary: '结算批次报表（按服务点：农户数、金额、已付、失败）Run report per point' })
  getRun(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.settlement.getRun(actor, id);
  }

  @Get('settlement-runs/:id/statements')
  @ApiOperation({ summary: '结算批次的结算单（含农户姓名、村）A run\'s statements with the farmer\'s name and village' })
  @ApiOkResponse({ type: StatementListPageDto })
  listRunStatements(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: ListStatementsQueryDto): Promise<StatementListPageDto> {
    return this.settlement.listRunStatements(actor, id, query);
  }

  @Post('settlement-runs/:id/approve')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '审批结算批次（仅一次）Approve a run and its pending statements' })
  approveRun(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.settlement.approveRun(actor, id);
  }

  @Get('statements/:id')
  @ApiOperation({ summary: '结算单及明细 A statement with every item' })
  getStatement(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.settlement.getStatement(actor, id);
  }

  @Post('statements/:id/approve')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  approveStatement(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.settlement.approveStatement(actor, id);
  }

  @Get('farmers/:id/money')
  @ApiOperation({ summary: '农户资金：余额、待结算、结算中、支付中、已付 Balance, pending, in settlement, paying, paid' })
  money(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.settlement.farmerMoney(actor, id);
  }

  @Get('farmers/:id/ledger')
  @ApiOperation({ summary: '农户对账单（期间内每一笔）Every line of the farmer account in a period' })
  ledger(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: FarmerLedgerQueryDto) {
    return this.settlement.farmerLedger(actor, id, query);
  }

  @Get('farmers/:id/statements')
  farmerStatements(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Query() query: PageQueryDto) {
    return this.settlement.farmerStatements(actor, id, query);
  }

  @Get('settlement/owed')
  @ApiOperation({ summary: '当前应付每位农户的金额 What we owe each farmer now' })
  owed(@CurrentPrincipal() actor: Principal, @Query() query: ListStatementsQueryDto) {
    return this.settlement.owed(actor, query);
  }
}
