import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { NotFoundError } from '../common/errors/domain-error';
import { IdParamPipe } from '../common/id-param.pipe';
import { ChangeOwnPayoutDto } from '../farmers/dto/update-farmer.dto';
import { FarmersService } from '../farmers/farmers.service';
import { SmsCodeService } from './sms-code.service';

/**
 * Payout-account changes need a fresh SMS code from the farmer's current phone: asked for here by
 * the farmer (app) or by an agent at the counter, then given with the change (`PUT /me/payout`, or
 * `payoutCode` on `PATCH /farmers/{id}`).
 */
@ApiTags('payout change 收款信息变更')
@ApiBearerAuth()
@Controller()
export class PayoutChangeController {
  constructor(private readonly farmers: FarmersService, private readonly codes: SmsCodeService) {}

  @Post('farmers/:id/payout-code')
  @HttpCode(202)
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '发送收款信息变更验证码到农户当前手机 Send a payout-change code to the farmer\'s current phone (429 when too frequent)' })
  forFarmer(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.farmers.requireForPayoutChange(actor, id).then((farmer) => this.codes.sendPayoutChangeCode(farmer));
  }

  @Post('me/payout-code')
  @HttpCode(202)
  @Roles(Role.FARMER)
  @ApiOperation({ summary: '发送收款信息变更验证码到本人手机 Send me a payout-change code' })
  async forMe(@CurrentPrincipal() principal: Principal) {
    const me = await this.farmers.findRef(principal.id);
    if (!me) throw new NotFoundError('农户', 'Farmer', 'FARMER_NOT_FOUND');
    return this.codes.sendPayoutChangeCode(me);
  }

  @Put('me/payout')
  @Roles(Role.FARMER)
  @ApiOperation({ summary: '修改本人收款信息（须验证码；旧手机号收到变更短信）Change my payout details with the SMS code' })
  async changeMine(@CurrentPrincipal() principal: Principal, @Body() dto: ChangeOwnPayoutDto) {
    const f = await this.farmers.changeOwnPayout(principal, dto.payout, dto.code);
    return { payout: f.payout, payoutVerifiedAt: f.payoutVerifiedAt };
  }
}
