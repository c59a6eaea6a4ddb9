import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { CashHandoverDto } from './dto/payout.dto';
import { PayoutsService } from './payouts.service';

@ApiTags('payouts 打款')
@ApiBearerAuth()
@Controller()
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
export class PayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  @Post('statements/:id/payout')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '为已审批结算单打款（每单仅一笔：201 新建 / 200 已存在）Pay an approved statement' })
  async pay(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Res({ passthrough: true }) res: Response) {
    const { payout, created } = await this.payouts.payStatement(actor, id);
    res.status(created ? 201 : 200);
    return payout;
  }

  @Get('statements/:id/payout')
  async forStatement(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return { payout: await this.payouts.forStatement(actor, id) };
  }

  @Post('settlement-runs/:id/payouts')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '为批次内所有已审批结算单打款 Pay every approved statement of a run' })
  payRun(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.payouts.payRun(actor, id);
  }

  @Get('payouts/:id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.payouts.get(actor, id);
  }

  @Post('payouts/:id/cash-handover')
  @HttpCode(200)
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '现金交付：代办员记录农户确认（签名或短信码）Record a cash hand-over with the farmer confirmation' })
  cashHandover(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CashHandoverDto) {
    return this.payouts.recordCashHandover(actor, id, dto);
  }
}
