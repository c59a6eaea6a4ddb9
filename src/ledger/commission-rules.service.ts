import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CatalogService } from '../catalog/catalog.service';
import { Principal } from '../common/access/principal';
import { ConflictError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { isDuplicateKeyError } from '../database/transaction';
import { splitCommission } from './commission';
import { CommissionRuleEntity } from './commission-rule.entity';
import { CommissionPreviewDto, CommissionPreviewView, CommissionRuleView, CreateCommissionRuleDto, ListCommissionRulesQueryDto } from './dto/commission-rule.dto';
import { CommissionMode, SaleChannel } from './ledger.enums';

const toView = (r: CommissionRuleEntity): CommissionRuleView => ({
  id: r.id, productId: r.productId, channel: r.channel, agentMode: r.agentMode, agentFenPerUnit: r.agentFenPerUnit,
  unitSizeBase: r.unitSizeBase, agentBasisPoints: r.agentBasisPoints, collectiveBasisPoints: r.collectiveBasisPoints,
  effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, createdAt: r.createdAt,
});

/** Commission rules (佣金规则) per product and channel over time, and the preview of what a line earns whom. */
@Injectable()
export class CommissionRulesService {
  constructor(private readonly dataSource: DataSource, private readonly catalog: CatalogService, private readonly audit: AuditService) {}

  /** Adds a rule from a date (admin). Rules are never edited; a later rule supersedes. */
  async create(actor: Principal, dto: CreateCommissionRuleDto): Promise<CommissionRuleView> {
    await this.catalog.get(actor, dto.productId);
    const from = new Date(dto.effectiveFrom);
    const to = dto.effectiveTo ? new Date(dto.effectiveTo) : null;
    if (to && to <= from) {
      throw new RuleViolationError('COMMISSION_PERIOD_INVALID', '结束时间须晚于开始时间', 'effectiveTo must be after effectiveFrom',
        [{ field: 'effectiveTo', message: '须晚于 effectiveFrom', messageEn: 'must be after effectiveFrom' }]);
    }
    if (dto.agentMode === CommissionMode.PER_UNIT && dto.agentBasisPoints) {
      throw new RuleViolationError('COMMISSION_MODE_MISMATCH', '按件计佣不填比例', 'PER_UNIT rules take no agentBasisPoints',
        [{ field: 'agentBasisPoints', message: '按件计佣不填', messageEn: 'not allowed with PER_UNIT' }]);
    }
    if (dto.agentMode === CommissionMode.PERCENT && dto.agentFenPerUnit) {
      throw new RuleViolationError('COMMISSION_MODE_MISMATCH', '按比例计佣不填每单位金额', 'PERCENT rules take no agentFenPerUnit',
        [{ field: 'agentFenPerUnit', message: '按比例计佣不填', messageEn: 'not allowed with PERCENT' }]);
    }
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(CommissionRuleEntity);
      let id: string;
      try {
        const res = await repo.insert({
          companyId: actor.companyId, productId: dto.productId, channel: dto.channel, agentMode: dto.agentMode,
          agentFenPerUnit: dto.agentFenPerUnit ?? 0, unitSizeBase: dto.unitSizeBase ?? 1, agentBasisPoints: dto.agentBasisPoints ?? 0,
          collectiveBasisPoints: dto.collectiveBasisPoints ?? 0, effectiveFrom: from, effectiveTo: to, createdBy: actor.id,
        });
        id = String(res.identifiers[0].id);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        throw new ConflictError('COMMISSION_RULE_EXISTS', '该商品与渠道在此时间已有规则', 'A rule for this product and channel starts at that time',
          [{ field: 'effectiveFrom', message: '已存在', messageEn: 'already exists' }]);
      }
      const rule = await repo.findOneByOrFail({ id });
      await this.audit.record(em, actor, { entityType: 'commission_rule', entityId: id, action: 'create', after: toView(rule) });
      return toView(rule);
    });
  }

  list(actor: Principal, query: ListCommissionRulesQueryDto): Promise<Page<CommissionRuleView>> {
    const qb = this.dataSource.getRepository(CommissionRuleEntity).createQueryBuilder('r')
      .where('r.company_id = :companyId', { companyId: actor.companyId });
    if (query.productId) qb.andWhere('r.product_id = :productId', { productId: query.productId });
    return paginate(qb, 'r.id', query, toView);
  }

  /** The rule in force for a product and channel at an instant: the latest start whose period contains it. */
  async inForce(companyId: string, productId: string, channel: SaleChannel, at: Date, em?: EntityManager): Promise<CommissionRuleEntity | null> {
    return (em ?? this.dataSource.manager).getRepository(CommissionRuleEntity).createQueryBuilder('r')
      .where('r.company_id = :companyId AND r.product_id = :productId AND r.channel = :channel', { companyId, productId, channel })
      .andWhere('r.effective_from <= :at AND (r.effective_to IS NULL OR r.effective_to > :at)', { at })
      .orderBy('r.effective_from', 'DESC').getOne();
  }

  /** Set-wise `inForce`: the rules of some products and channels, and a picker for an instant. */
  async inForceMany(companyId: string, productIds: string[], channels: SaleChannel[], em?: EntityManager): Promise<(productId: string, channel: SaleChannel, at: Date) => CommissionRuleEntity | null> {
    const rules = productIds.length === 0 ? [] : await (em ?? this.dataSource.manager).getRepository(CommissionRuleEntity).createQueryBuilder('r')
      .where('r.company_id = :companyId AND r.product_id IN (:...productIds) AND r.channel IN (:...channels)', { companyId, productIds, channels })
      .orderBy('r.effective_from', 'DESC').getMany();
    return (productId, channel, at) => rules.find((r) => r.productId === productId && r.channel === channel && r.effectiveFrom <= at && (!r.effectiveTo || r.effectiveTo > at)) ?? null;
  }

  /** What a line would earn the farmer, the agent and the village collective, before it is posted. */
  async preview(actor: Principal, dto: CommissionPreviewDto): Promise<CommissionPreviewView> {
    await this.catalog.get(actor, dto.productId);
    const rule = await this.inForce(actor.companyId, dto.productId, dto.channel ?? SaleChannel.PURCHASE, dto.at ? new Date(dto.at) : new Date());
    return { ...splitCommission(rule, dto.quantityBase, dto.amountFen), rule: rule ? toView(rule) : null };
  }
}
