import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { RuleViolationError } from '../common/errors/domain-error';
import { inTransaction } from '../database/transaction';
import { FarmersService } from '../farmers/farmers.service';
import { ConsignmentQueriesService } from '../intake/consignment-queries.service';
import { DomainEventHandlers } from '../outbox/domain-event-handlers';
import { OutboxService } from '../outbox/outbox.service';
import { DomainEventJob } from '../queues/queue-names';
import { splitCommission } from './commission';
import { CommissionRulesService } from './commission-rules.service';
import { CreateAdjustmentDto } from './dto/adjustment.dto';
import { AccountOwnerType, AccountType, CONSUMED_EVENTS, EntryKind, LEDGER_EVENTS, SaleChannel } from './ledger.enums';
import { LedgerService, PostingLine, PostingResult } from './ledger.service';

/** Payload of consignment.line_accepted (src/intake/quality-checks.service.ts). */
type LineAccepted = {
  sourceKey: string; qualityCheckGradeId: string; consignmentId: string; lineId: string; farmerId: string; pointId: string;
  productId: string; gradeCode: string; quantityBase: number; priceFen: number; priceUnitSizeBase: number; amountFen: number; capturedAt: string;
};
/** Payload of consignment.line_acceptance_reversed. */
type LineAcceptanceReversed = { sourceKey: string; consignmentId: string; amountFen: number };
/** Payload of warehouse.chargeback_recorded (contract with the warehouse module). */
type ChargebackRecorded = {
  sourceKey: string; chargebackId: string; companyId: string; farmerId: string; consignmentLineId: string;
  productId: string; quantityBase: number; amountFen: number; reason: string;
};

/**
 * Turns facts from other modules into postings: purchase-mode acceptances (earning + commission +
 * collective share per the rule in force at capture time), their reversals after a QC correction,
 * warehouse chargebacks, and admins' manual adjustments. Every handler is idempotent by source key.
 */
@Injectable()
export class EarningsService implements OnModuleInit {
  private readonly logger = new Logger(EarningsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly rules: CommissionRulesService,
    private readonly farmers: FarmersService,
    private readonly consignments: ConsignmentQueriesService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly handlers: DomainEventHandlers,
  ) {}

  onModuleInit(): void {
    this.handlers.register(CONSUMED_EVENTS.LINE_ACCEPTED, (e) => this.onLineAccepted(e));
    this.handlers.register(CONSUMED_EVENTS.LINE_ACCEPTANCE_REVERSED, (e) => this.onLineAcceptanceReversed(e));
    this.handlers.register(CONSUMED_EVENTS.CHARGEBACK_RECORDED, (e) => this.onChargeback(e));
  }

  /** consignment.line_accepted → farmer earning owed by the company, plus commission lines. */
  async onLineAccepted(event: DomainEventJob): Promise<void> {
    const p = event.payload as LineAccepted;
    await inTransaction(this.dataSource, async (em) => {
      if (await this.ledger.hasPosting(p.sourceKey, em)) return;
      const ctx = await this.consignments.ledgerContext(p.consignmentId, em);
      if (!ctx) throw new Error(`consignment ${p.consignmentId} of ${p.sourceKey} not found`);
      const farmer = await this.farmers.requireFarmerInCompany(ctx.companyId, p.farmerId, em);
      const capturedAt = new Date(p.capturedAt);
      const rule = await this.rules.inForce(ctx.companyId, p.productId, SaleChannel.PURCHASE, capturedAt, em);
      const split = splitCommission(rule, p.quantityBase, p.amountFen);
      const detail = {
        pointId: p.pointId, productId: p.productId, gradeCode: p.gradeCode, quantityBase: p.quantityBase, unitPriceFen: p.priceFen,
        priceUnitSizeBase: p.priceUnitSizeBase, channel: SaleChannel.PURCHASE, occurredAt: capturedAt,
      };
      const lines: PostingLine[] = [
        { accountId: await this.ledger.farmerAccount(em, ctx.companyId, p.farmerId), amountFen: split.farmerAmountFen, ...detail, description: '收购入库 accepted at QC' },
        { accountId: await this.ledger.companyAccount(em, ctx.companyId, AccountType.GOODS_COST), amountFen: -split.farmerAmountFen, ...detail },
      ];
      const commissionCost = await this.ledger.companyAccount(em, ctx.companyId, AccountType.COMMISSION_COST);
      if (split.agentCommissionFen !== 0) {
        lines.push(
          { accountId: await this.ledger.accountFor(em, ctx.companyId, AccountOwnerType.AGENT, ctx.createdBy, AccountType.COMMISSION_PAYABLE), amountFen: split.agentCommissionFen, kind: EntryKind.COMMISSION, ...detail },
          { accountId: commissionCost, amountFen: -split.agentCommissionFen, kind: EntryKind.COMMISSION, ...detail },
        );
      }
      if (split.collectiveShareFen !== 0) {
        lines.push(
          { accountId: await this.ledger.accountFor(em, ctx.companyId, AccountOwnerType.VILLAGE_COLLECTIVE, farmer.villageRegionId, AccountType.COLLECTIVE_PAYABLE), amountFen: split.collectiveShareFen, kind: EntryKind.COLLECTIVE_SHARE, ...detail },
          { accountId: commissionCost, amountFen: -split.collectiveShareFen, kind: EntryKind.COLLECTIVE_SHARE, ...detail },
        );
      }
      const posted = await this.ledger.post(em, {
        companyId: ctx.companyId, sourceKey: p.sourceKey, kind: EntryKind.EARNING, lines,
        meta: { consignmentId: p.consignmentId, lineId: p.lineId, qualityCheckGradeId: p.qualityCheckGradeId, commissionRuleId: rule?.id ?? null },
      });
      await this.publishEarning(em, posted, ctx.companyId, p.farmerId, p.sourceKey, split.farmerAmountFen);
    });
  }

  /** consignment.line_acceptance_reversed → the exact negation of the original posting. */
  async onLineAcceptanceReversed(event: DomainEventJob): Promise<void> {
    const p = event.payload as LineAcceptanceReversed;
    const reversalKey = `reversal:${p.sourceKey}`;
    await inTransaction(this.dataSource, async (em) => {
      const done = await this.ledger.reverse(em, p.sourceKey, reversalKey, '质检更正 QC correction');
      // Delivered before the acceptance it reverses (events are handled concurrently): retry later.
      if (!done) throw new Error(`${p.sourceKey} not posted yet; ${reversalKey} will be retried`);
    });
  }

  /** warehouse.chargeback_recorded → a latent defect deducted from the farmer (amountFen > 0 is deducted). */
  async onChargeback(event: DomainEventJob): Promise<void> {
    const p = event.payload as ChargebackRecorded;
    if (!Number.isSafeInteger(p.amountFen) || p.amountFen <= 0 || !String(p.sourceKey ?? '').startsWith('chargeback:')) {
      this.logger.error({ outboxId: event.outboxId, sourceKey: p.sourceKey }, 'malformed chargeback event ignored');
      return;
    }
    await inTransaction(this.dataSource, async (em) => {
      if (await this.ledger.hasPosting(p.sourceKey, em)) return;
      await this.farmers.requireFarmerInCompany(p.companyId, p.farmerId, em);
      const detail = { productId: p.productId, quantityBase: p.quantityBase, occurredAt: new Date(event.occurredAt), description: `扣款 chargeback: ${String(p.reason).slice(0, 200)}` };
      await this.ledger.post(em, {
        companyId: p.companyId, sourceKey: p.sourceKey, kind: EntryKind.CHARGEBACK, reason: String(p.reason).slice(0, 255),
        meta: { chargebackId: p.chargebackId, consignmentLineId: p.consignmentLineId },
        lines: [
          { accountId: await this.ledger.farmerAccount(em, p.companyId, p.farmerId), amountFen: -p.amountFen, ...detail },
          { accountId: await this.ledger.companyAccount(em, p.companyId, AccountType.CHARGEBACK_RECOVERY), amountFen: p.amountFen, ...detail },
        ],
      });
    });
  }

  /** Manual adjustment of a farmer's balance (admin only, reason required); idempotent by clientId. */
  async adjust(actor: Principal, dto: CreateAdjustmentDto): Promise<{ postingId: string; created: boolean }> {
    if (dto.amountFen === 0) {
      throw new RuleViolationError('ADJUSTMENT_ZERO', '调整金额不能为零', 'An adjustment must not be zero',
        [{ field: 'amountFen', message: '不能为零', messageEn: 'must not be zero' }]);
    }
    return inTransaction(this.dataSource, async (em) => {
      await this.farmers.requireFarmerInCompany(actor.companyId, dto.farmerId, em);
      const sourceKey = `adjustment:${dto.clientId}`;
      const lines: PostingLine[] = [
        { accountId: await this.ledger.farmerAccount(em, actor.companyId, dto.farmerId), amountFen: dto.amountFen, description: dto.reason },
        { accountId: await this.ledger.companyAccount(em, actor.companyId, AccountType.ADJUSTMENTS), amountFen: -dto.amountFen, description: dto.reason },
      ];
      const posted = await this.ledger.post(em, {
        companyId: actor.companyId, sourceKey, kind: EntryKind.ADJUSTMENT, lines, reason: dto.reason, createdBy: actor.id,
        meta: { farmerId: dto.farmerId },
      });
      if (posted.created) {
        await this.audit.record(em, actor, {
          entityType: 'ledger_posting', entityId: posted.postingId, action: 'manual_adjustment', reason: dto.reason,
          after: { farmerId: dto.farmerId, amountFen: dto.amountFen, sourceKey },
        });
      }
      return posted;
    });
  }

  private async publishEarning(em: EntityManager, posted: PostingResult, companyId: string, farmerId: string, sourceKey: string, amountFen: number): Promise<void> {
    if (!posted.created) return;
    await this.outbox.publish(em, {
      eventType: LEDGER_EVENTS.EARNING_POSTED, aggregateType: 'ledger_posting', aggregateId: posted.postingId,
      payload: { postingId: posted.postingId, companyId, farmerId, sourceKey, amountFen },
    });
  }
}
