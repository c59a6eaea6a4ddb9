import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { CreateFarmerDto } from './dto/create-farmer.dto';
import { FarmerDto } from './dto/farmer.dto';
import { ListFarmersQueryDto } from './dto/list-farmers-query.dto';
import { UpdateFarmerDto } from './dto/update-farmer.dto';
import { FarmersService } from './farmers.service';

@ApiTags('farmers 农户')
@ApiBearerAuth()
@Controller('farmers')
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT)
export class FarmersController {
  constructor(private readonly farmers: FarmersService) {}

  @Post()
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '登记农户 Register a farmer' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateFarmerDto): Promise<FarmerDto> {
    return this.farmers.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: '查找农户（手机号、姓名、身份证后四位）Find farmers' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListFarmersQueryDto) {
    return this.farmers.list(actor, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<FarmerDto> {
    return this.farmers.get(actor, id);
  }

  @Patch(':id')
  @Roles(Role.ADMIN, Role.AGENT)
  @ApiOperation({ summary: '修改农户（含停用 active=false）Update a farmer' })
  update(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: UpdateFarmerDto): Promise<FarmerDto> {
    return this.farmers.update(actor, id, dto);
  }

  @Post(':id/payout-verification')
  @HttpCode(200)
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '核实收款信息（仅管理员；修改收款信息后须重新核实）Mark payout details verified' })
  verifyPayout(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<FarmerDto> {
    return this.farmers.verifyPayout(actor, id);
  }
}
