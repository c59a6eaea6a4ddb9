import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { CommissionRulesService } from './commission-rules.service';
import { CreateAdjustmentDto } from './dto/adjustment.dto';
import { CommissionPreviewDto, CreateCommissionRuleDto, ListCommissionRulesQueryDto } from './dto/commission-rule.dto';
import { EarningsService } from './earnings.service';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('ledger 账本')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(
    private readonly earnings: EarningsService,
    private readonly rules: CommissionRulesService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  @Post('ledger/adjustments')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '人工调账（仅管理员，须填原因）Manual adjustment of a farmer balance, admin only, reason required' })
  async adjust(@CurrentPrincipal() actor: Principal, @Body() dto: CreateAdjustmentDto) {
    return this.earnings.adjust(actor, dto);
  }

  @Post('ledger/reconciliation')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '立即对账 Run the ledger reconciliation for the company now' })
  reconcile(@CurrentPrincipal() actor: Principal) {
    return this.reconciliation.checkNow(actor.companyId);
  }

  @Post('commission-rules')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新增佣金规则 Add a commission rule from a date' })
  createRule(@CurrentPrincipal() actor: Principal, @Body() dto: CreateCommissionRuleDto) {
    return this.rules.create(actor, dto);
  }

  @Get('commission-rules')
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiOperation({ summary: '佣金规则 Commission rules' })
  listRules(@CurrentPrincipal() actor: Principal, @Query() query: ListCommissionRulesQueryDto) {
    return this.rules.list(actor, query);
  }

  @Post('commission-rules/preview')
  @HttpCode(200)
  @Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
  @ApiOperation({ summary: '佣金预览 What a line would earn the farmer, the agent and the village collective' })
  preview(@CurrentPrincipal() actor: Principal, @Body() dto: CommissionPreviewDto) {
    return this.rules.preview(actor, dto);
  }
}
