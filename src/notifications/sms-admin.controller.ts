import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { Page, paginate } from '../common/pagination';
import { ListSmsMessagesQueryDto, SmsMessageDto } from './dto/sms-message.dto';
import { SmsMessageEntity } from './sms-message.entity';

@ApiTags('admin 短信')
@ApiBearerAuth()
@Roles(Role.ADMIN)
@Controller('admin/sms-messages')
export class SmsAdminController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: '短信记录（含开发用 outbox 发件箱、DEAD 失败短信）SMS messages of the company; ?status=DEAD for dead letters' })
  list(@CurrentPrincipal() admin: Principal, @Query() query: ListSmsMessagesQueryDto): Promise<Page<SmsMessageDto>> {
    const qb = this.dataSource.getRepository(SmsMessageEntity).createQueryBuilder('m')
      .where('m.company_id = :companyId', { companyId: admin.companyId });
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    if (query.phone) qb.andWhere('m.recipient_phone = :phone', { phone: query.phone });
    if (query.template) qb.andWhere('m.template = :template', { template: query.template });
    if (query.farmerId) qb.andWhere('m.farmer_id = :farmerId', { farmerId: query.farmerId });
    return paginate(qb, 'm.id', query, toSmsMessageDto);
  }
}

function toSmsMessageDto(m: SmsMessageEntity): SmsMessageDto {
  return {
    id: m.id, sourceKey: m.sourceKey, recipientPhone: m.recipientPhone, recipientRole: m.recipientRole, farmerId: m.farmerId,
    template: m.template, body: m.body, status: m.status, provider: m.provider, providerMessageId: m.providerMessageId,
    attempts: m.attempts, deferrals: m.deferrals, lastError: m.lastError, scheduledAt: m.scheduledAt, sentAt: m.sentAt,
    deliveredAt: m.deliveredAt, createdAt: m.createdAt,
  };
}
