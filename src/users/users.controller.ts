import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users 员工账号')
@ApiBearerAuth()
@Roles(Role.ADMIN)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: '新增员工账号 Create a staff account' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Get()
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListUsersQueryDto) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.users.get(actor, id);
  }

  @Patch(':id')
  update(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: '停用账号并吊销其登录 Disable and revoke sessions' })
  disable(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string) {
    return this.users.update(actor, id, { active: false });
  }
}
