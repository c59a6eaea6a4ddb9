import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { Page } from '../common/pagination';
import { AuditService } from './audit.service';
import { AuditLogDto, ListAuditLogsQueryDto } from './dto/list-audit-logs.dto';

@ApiTags('audit 审计日志')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '审计日志（管理员）Audit log, admins only' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListAuditLogsQueryDto): Promise<Page<AuditLogDto>> {
    return this.audit.list(actor, query);
  }
}
