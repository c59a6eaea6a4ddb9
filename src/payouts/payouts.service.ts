import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { createHash, randomInt } from 'crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { scopeByPoint } from '../common/access/scope';
import { Page, paginate, PageQueryDto } from '../common/pagination';
import { SettlementConfig } from '../config';
import { inTransaction } from '../database/transaction';
import { toSafeInteger } from '../database/transformers/bigint.transformer';
import { ExportSource, keysetSource } from '../exports/keyset-source';
import { FarmerPayoutGuard } from '../farmers/farmer-payout-guard';
import { PayoutMethod } from '../farmers/farmer.entity';
import { FarmersService } from '../farmers/farmers.service';
import { AccountType, EntryKind } from '../ledger/ledger.enums';
import { LedgerService } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { PayoutJob, QUEUES } from '../queues/queue-names';
import { TimedJobsRegistry } from '../scheduling/timed-jobs.registry';
import { StatementStatus } from '../settlement/payout-statement.entity';
import { SettlementService } from '../settlement/settlement.service';
import { CashHandoverDto } from './dto/payout.dto';
import { PAYOUT_CHANNEL_ADAPTERS, PayoutChannelAdapters, ProviderResult } from './payout-channel';
import { IN_FLIGHT_PAYOUT_STATUSES, PayoutChannel, PayoutEntity, PayoutStatus } from './payout.entity';

export const PAYOUT_EVENTS = {
  PAID: 'payout.paid',
  FAILED: 'payout.failed',
  CASH_CODE_ISSUED: 'payout.cash_code_issued',
} as const;
export const PAYOUT_JOB = 'pay';

const CHANNEL_OF: Record<PayoutMethod, PayoutChannel> = {
  [PayoutMethod.BANK_CARD]: PayoutChannel.BANK_TRANSFER,
  [PayoutMethod.WECHAT_PAY]: PayoutChannel.WECHAT_PAY,
  [PayoutMethod.ALIPAY]: PayoutChannel.ALIPAY,
  [PayoutMethod.CASH]: PayoutChannel.CASH,
};

export type PayoutFilters = { pointId?: string; farmerId?: string; status?: PayoutStatus; channel?: PayoutChannel; from?: string; to?: string };
/** One payout as the export writes it. */
export type PayoutExportRow = {
  id: string; requestNo: string; statementId: string; farmerId: string; farmerName: string; pointId: string; pointName: string;
  amountFen: number; channel: PayoutChannel; status: PayoutStatus; attempts: number; failureReason: string | null;
  createdAt: Date; paidAt: Date | null; failedAt: Date | null;
};

const payoutNotFound = () => new NotFoundError('打款', 'Payout', 'PAYOUT_NOT_FOUND');
const codeHash = (payoutId: string, code: string) => createHash('sha256').update(`${payoutId}:${code}`).digest('hex');

export type PayoutView = {
  id: string; statementId: string; farmerId: string; pointId: string; amountFen: number; channel: PayoutChannel; requestNo: string;
  status: PayoutStatus; attempts: number; failureReason: string | null; confirmationKind: string | null; paidAt: Date | null; failedAt: Date | null; createdAt: Date;
};
const toView = (p: PayoutEntity): PayoutView => ({
  id: p.id, statementId: p.statementId, farmerId: p.farmerId, pointId: p.pointId, amountFen: p.amountFen, channel: p.channel,
  requestNo: p.requestNo, status: p.status, attempts: p.attempts, failureReason: p.failureReason, confirmationKind: p.confirmationKind,
  paidAt: p.paidAt, failedAt: p.failedAt, createdAt: p.createdAt,
});

/** A retry-later signal for Bull (the provider is still processing). */
class PayoutStillProcessing extends Error {}

/**
 * Payouts (打款) of approved statements. The payout row, its request number and the PAYOUT ledger
 * posting are committed before any provider call; the Bull job then asks the provider for that
 * request number's status first and pays only if the provider never saw it, so a crash or an
 * unknown answer never leads to paying again under a new number. A failure posts a reversal: the
 * money returns to the farmer's balance and goes into the next run.
 */
@Injectable()
export class PayoutsService implements OnModuleInit {
  private readonly logger = new Logger(PayoutsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly ledger: LedgerService,
    private readonly settlement: SettlementService,
    private readonly farmers: FarmersService,
    private readonly guard: FarmerPayoutGuard,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly timedJobs: TimedJobsRegistry,
    @Inject(PAYOUT_CHANNEL_ADAPTERS) private readonly adapters: PayoutChannelAdapters,
    @InjectQueue(QUEUES.PAYOUTS) private readonly queue: Queue<PayoutJob>,
  ) {}

  onModuleInit(): void {
    this.guard.register((em, farmerId) => this.hasInFlight(em, farmerId));
    this.timedJobs.register({
      name: 'payouts.resume',
      cron: '*/10 * * * *',
      description: '重新排队未完成的打款（每 10 分钟）Re-enqueue payouts left pending/unknown (Redis outage, exhausted retries)',
      run: async (slot) => ({ enqueued: await this.resume(slot) }),
    });
  }

  async hasInFlight(em: EntityManager, farmerId: string): Promise<boolean> {
    const n = await em.getRepository(PayoutEntity).count({ where: { farmerId, status: In(IN_FLIGHT_PAYOUT_STATUSES) } });
    return n > 0;
  }

  /** Issues the payout of an approved statement (admin). Idempotent: a statement has one payout, ever. */
  async payStatement(actor: Principal, statementId: string): Promise<{ payout: PayoutView; created: boolean }> {
    const result = await inTransaction(this.dataSource, async (em) => {
      const s = await this.settlement.lockStatement(em, actor.companyId, statementId);
      const existing = await em.getRepository(PayoutEntity).findOneBy({ statementId: s.id });
      if (existing) return { payout: existing, created: false };
      if (s.status !== StatementStatus.APPROVED) {
        throw new ConflictError('STATEMENT_NOT_APPROVED', '结算单未审批，不能打款', `The statement is ${s.status}; only approved statements are paid`);
      }
      const items = await this.settlement.itemsTotal(em, s);
      if (items.totalFen !== s.totalFen || items.itemCount !== s.itemCount) {
        throw new ConflictError('STATEMENT_ITEMS_MISMATCH', '结算单明细与合计不符', `Statement items sum to ${items.totalFen}, not ${s.totalFen}`);
      }
      if (s.totalFen <= 0) {
        throw new RuleViolationError('PAYOUT_AMOUNT_NOT_POSITIVE', '打款金额须大于零', 'A payout must be a positive amount');
      }
      const target = await this.farmers.lockPayoutTarget(em, actor.companyId, s.farmerId);
      const channel = CHANNEL_OF[target.method];
      if (!channel || (channel !== PayoutChannel.CASH && channel !== PayoutChannel.WECHAT_PAY && !target.accountNumber)) {
        throw new RuleViolationError('PAYOUT_METHOD_MISSING', '农户未设置收款方式或账号', 'The farmer has no usable payout method or account',
          [{ field: 'payout', message: '缺少收款账号', messageEn: 'payout account missing' }]);
      }
      if (channel !== PayoutChannel.CASH && !target.verified) {
        throw new RuleViolationError('PAYOUT_ACCOUNT_UNVERIFIED', '农户收款信息未核实', 'The farmer payout details are not verified',
          [{ field: 'payout', message: '未核实', messageEn: 'not verified' }]);
      }
      // One statement, one request number, forever: derived from the statement id, committed before any provider call.
      const requestNo = `VCP${s.id.padStart(14, '0')}`;
      const repo = em.getRepository(PayoutEntity);
      const inserted = await repo.insert({
        companyId: actor.companyId, statementId: s.id, farmerId: s.farmerId, pointId: s.pointId, amountFen: s.totalFen, channel, requestNo,
        status: channel === PayoutChannel.CASH ? PayoutStatus.AWAITING_HANDOVER : PayoutStatus.PENDING, createdBy: actor.id,
      });
      const payoutId = String(inserted.identifiers[0].id);
      await this.ledger.post(em, {
        companyId: actor.companyId, sourceKey: `payout:${payoutId}`, kind: EntryKind.PAYOUT, meta: { statementId: s.id, requestNo, channel },
        lines: [
          { accountId: s.accountId, amountFen: -s.totalFen, description: `打款 payout ${requestNo}` },
          { accountId: await this.ledger.companyAccount(em, actor.companyId, AccountType.PAYOUTS_ISSUED), amountFen: s.totalFen },
        ],
      });
      await this.settlement.setStatementStatus(em, s.id, [StatementStatus.APPROVED], StatementStatus.PAYING);
      if (channel === PayoutChannel.CASH) {
        const code = String(randomInt(100000, 1000000));
        await repo.update({ id: payoutId }, { cashCodeHash: codeHash(payoutId, code) });
        await this.outbox.publish(em, {
          eventType: PAYOUT_EVENTS.CASH_CODE_ISSUED, aggregateType: 'payout', aggregateId: payoutId,
          payload: { payoutId, farmerId: s.farmerId, pointId: s.pointId, amountFen: s.totalFen, code },
        });
      }
      await this.audit.record(em, actor, { entityType: 'payout', entityId: payoutId, action: 'create', after: { statementId: s.id, amountFen: s.totalFen, channel, requestNo } });
      return { payout: await repo.findOneByOrFail({ id: payoutId }), created: true };
    });
    // Two calls for one statement are serialized by the statement's row lock: the second finds the payout.
    if (result.created && result.payout.channel !== PayoutChannel.CASH) await this.enqueue(result.payout.id);
    return { payout: toView(result.payout), created: result.created };
  }

  /** Issues payouts for every approved statement of a run; per statement errors are reported, not fatal. */
  async payRun(actor: Principal, runId: string): Promise<{ issued: number; errors: Array<{ statementId: string; code: string }> }> {
    const ids = await this.settlement.approvedStatementIds(actor.companyId, runId);
    const errors: Array<{ statementId: string; code: string }> = [];
    let issued = 0;
    for (const id of ids) {
      try {
        if ((await this.payStatement(actor, id)).created) issued++;
      } catch (err) {
        errors.push({ statementId: id, code: (err as { code?: string }).code ?? 'ERROR' });
      }
    }
    return { issued, errors };
  }

  async enqueue(payoutId: string, suffix = ''): Promise<void> {
    const c = this.config.getOrThrow<SettlementConfig>('settlement');
    try {
      await this.queue.add(PAYOUT_JOB, { payoutId }, {
        jobId: `payout:${payoutId}${suffix}`, attempts: c.payoutMaxAttempts, backoff: { type: 'exponential', delay: c.payoutBackoffMs },
        removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 },
      });
    } catch (err) {
      // Redis down: the payout stays PENDING and the payouts.resume timed job enqueues it later.
      this.logger.warn({ payoutId, err: (err as Error).message }, 'payout not enqueued; will be resumed');
    }
  }

  /** Re-enqueues payouts not finished (after a Redis outage or exhausted retries). */
  async resume(slot: Date): Promise<number> {
    const stale = await this.dataSource.getRepository(PayoutEntity).createQueryBuilder('p')
      .select('p.id', 'id')
      .where('p.status IN (:...s)', { s: [PayoutStatus.PENDING, PayoutStatus.SUBMITTED, PayoutStatus.UNKNOWN] })
      .andWhere('p.updated_at < :before', { before: new Date(slot.getTime() - 60_000) })
      .limit(10_000).getRawMany();
    for (const r of stale) await this.enqueue(String(r.id), `:resume:${slot.toISOString()}`);
    return stale.length;
  }

  /**
   * The job: ask the provider about the request number; pay only if it never saw it; record the
   * outcome. Safe to run twice or concurrently (the provider is idempotent by request number and
   * every state change is conditional on the current state).
   */
  async process(payoutId: string): Promise<PayoutStatus> {
    const p = await this.dataSource.getRepository(PayoutEntity).findOneBy({ id: payoutId });
    if (!p) return PayoutStatus.FAILED;
    if (![PayoutStatus.PENDING, PayoutStatus.SUBMITTED, PayoutStatus.UNKNOWN].includes(p.status)) return p.status;
    const adapter = this.adapters.get(p.channel);
    if (!adapter) throw new Error(`no adapter for channel ${p.channel}`);
    await this.dataSource.query('UPDATE payout SET attempts = attempts + 1 WHERE id = ?', [p.id]);
    const known = await adapter.query(p.requestNo);
    let result: ProviderResult;
    if (known.status !== 'NOT_FOUND') {
      result = known as ProviderResult;
    } else {
      const target = await this.dataSource.transaction((em) => this.farmers.lockPayoutTarget(em, p.companyId, p.farmerId));
      await this.dataSource.query('UPDATE payout SET status = ?, submitted_at = COALESCE(submitted_at, ?) WHERE id = ? AND status IN (?, ?, ?)',
        [PayoutStatus.SUBMITTED, new Date(), p.id, PayoutStatus.PENDING, PayoutStatus.SUBMITTED, PayoutStatus.UNKNOWN]);
      result = await adapter.pay({
        requestNo: p.requestNo, amountFen: p.amountFen, remark: `农产品结算 statement ${p.statementId}`,
        payee: { name: target.name, accountNumber: target.accountNumber, bankName: target.bankName },
      });
    }
    return this.record(p, result);
  }

  private async record(p: PayoutEntity, result: ProviderResult): Promise<PayoutStatus> {
    if (result.status === 'PROCESSING') {
      await this.dataSource.query('UPDATE payout SET status = ? WHERE id = ? AND status IN (?, ?)', [PayoutStatus.UNKNOWN, p.id, PayoutStatus.PENDING, PayoutStatus.SUBMITTED]);
      throw new PayoutStillProcessing(`payout ${p.id} (${p.requestNo}) still processing; will ask again`);
    }
    return inTransaction(this.dataSource, async (em) => {
      const to = result.status === 'PAID' ? PayoutStatus.PAID : PayoutStatus.FAILED;
      const now = new Date();
      const res = await em.query(
        `UPDATE payout SET status = ?, provider_ref = ?, failure_reason = ?, paid_at = ?, failed_at = ? WHERE id = ? AND status IN (?, ?, ?)`,
        [to, result.providerRef ?? null, result.failureReason?.slice(0, 255) ?? null, to === PayoutStatus.PAID ? now : null, to === PayoutStatus.FAILED ? now : null,
          p.id, PayoutStatus.PENDING, PayoutStatus.SUBMITTED, PayoutStatus.UNKNOWN],
      ) as { affectedRows: number };
      if (res.affectedRows !== 1) return to; // recorded by a concurrent run of the same job
      await this.finish(em, p, to, result.failureReason ?? null);
      return to;
    });
  }

  /** Statement status, reversal on failure, and the event (SMS), in the transaction of the status change. */
  private async finish(em: EntityManager, p: PayoutEntity, to: PayoutStatus.PAID | PayoutStatus.FAILED, failureReason: string | null): Promise<void> {
    if (to === PayoutStatus.PAID) {
      await this.settlement.setStatementStatus(em, p.statementId, [StatementStatus.PAYING], StatementStatus.PAID);
      await this.outbox.publish(em, {
        eventType: PAYOUT_EVENTS.PAID, aggregateType: 'payout', aggregateId: p.id,
        payload: { payoutId: p.id, statementId: p.statementId, farmerId: p.farmerId, companyId: p.companyId, amountFen: p.amountFen, channel: p.channel, requestNo: p.requestNo },
      });
      return;
    }
    const farmerAccount = await this.ledger.farmerAccount(em, p.companyId, p.farmerId);
    await this.ledger.post(em, {
      companyId: p.companyId, sourceKey: `payout-reversal:${p.id}`, kind: EntryKind.PAYOUT_REVERSAL, reason: failureReason,
      meta: { payoutId: p.id, statementId: p.statementId, requestNo: p.requestNo },
      lines: [
        { accountId: farmerAccount, amountFen: p.amountFen, description: `打款失败退回 payout ${p.requestNo} failed` },
        { accountId: await this.ledger.companyAccount(em, p.companyId, AccountType.PAYOUTS_ISSUED), amountFen: -p.amountFen },
      ],
    });
    await this.settlement.setStatementStatus(em, p.statementId, [StatementStatus.PAYING], StatementStatus.PAYOUT_FAILED);
    await this.outbox.publish(em, {
      eventType: PAYOUT_EVENTS.FAILED, aggregateType: 'payout', aggregateId: p.id,
      payload: { payoutId: p.id, statementId: p.statementId, farmerId: p.farmerId, companyId: p.companyId, amountFen: p.amountFen, channel: p.channel, requestNo: p.requestNo, failureReason },
    });
  }

  /** Cash at the point: the agent of the farmer's point (or an admin) records the hand-over with the farmer's confirmation. */
  async recordCashHandover(actor: Principal, payoutId: string, dto: CashHandoverDto): Promise<PayoutView> {
    if (!!dto.signatureRef === !!dto.smsCode) {
      throw new RuleViolationError('CASH_CONFIRMATION_REQUIRED', '须提供农户签名或短信验证码之一', 'Give exactly one confirmation: signatureRef or smsCode',
        [{ field: 'signatureRef', message: '签名或验证码二选一', messageEn: 'signatureRef or smsCode' }]);
    }
    return inTransaction(this.dataSource, async (em) => {
      const repo = em.getRepository(PayoutEntity);
      const p = await repo.findOne({ where: { id: payoutId, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!p || (actor.role === Role.AGENT && !actor.pointIds.includes(p.pointId)) || (actor.role !== Role.ADMIN && actor.role !== Role.AGENT)) throw payoutNotFound();
      if (p.channel !== PayoutChannel.CASH) throw new ConflictError('PAYOUT_NOT_CASH', '该打款不是现金结算', 'This payout is not a cash payout');
      if (p.status !== PayoutStatus.AWAITING_HANDOVER) throw new ConflictError('PAYOUT_NOT_AWAITING_HANDOVER', '该现金打款已处理', `The payout is ${p.status}`);
      if (dto.smsCode && codeHash(p.id, dto.smsCode) !== p.cashCodeHash) {
        throw new RuleViolationError('CASH_CODE_WRONG', '短信验证码不正确', 'The SMS code is wrong', [{ field: 'smsCode', message: '不正确', messageEn: 'wrong code' }]);
      }
      const now = new Date();
      await repo.update({ id: p.id }, {
        status: PayoutStatus.PAID, paidAt: now, confirmedBy: actor.id, confirmationKind: dto.signatureRef ? 'SIGNATURE' : 'SMS_CODE',
        confirmationRef: dto.signatureRef ?? null,
      });
      await this.finish(em, p, PayoutStatus.PAID, null);
      await this.audit.record(em, actor, { entityType: 'payout', entityId: p.id, action: 'cash_handover', before: { status: p.status }, after: { status: PayoutStatus.PAID, confirmation: dto.signatureRef ? 'SIGNATURE' : 'SMS_CODE' } });
      return toView(await repo.findOneByOrFail({ id: p.id }));
    });
  }

  async get(actor: Principal, id: string): Promise<PayoutView> {
    const p = await this.dataSource.getRepository(PayoutEntity).findOneBy({ id, companyId: actor.companyId });
    if (!p) throw payoutNotFound();
    await this.settlement.assertFarmerVisible(actor, p.farmerId).catch(() => { throw payoutNotFound(); });
    return toView(p);
  }

  /** A farmer's payouts, newest first (the farmer app; the farmer id comes from the token). */
  async listForFarmer(actor: Principal, farmerId: string, query: PageQueryDto): Promise<Page<PayoutView>> {
    await this.settlement.assertFarmerVisible(actor, farmerId);
    const qb = this.dataSource.getRepository(PayoutEntity).createQueryBuilder('p')
      .where('p.company_id = :c AND p.farmer_id = :farmerId', { c: actor.companyId, farmerId });
    return paginate(qb, 'p.id', query, toView);
  }

  /**
   * The export of payouts in the caller's scope (by the payout's point, like the run statements),
   * filtered, newest first in keyset chunks.
   */
  exportSource(actor: Principal, filters: PayoutFilters): ExportSource<PayoutExportRow> {
    const qb = this.dataSource.getRepository(PayoutEntity).createQueryBuilder('p').where('p.company_id = :c', { c: actor.companyId });
    scopeByPoint(qb, 'p.point_id', actor);
    if (filters.pointId) qb.andWhere('p.point_id = :pointId', { pointId: filters.pointId });
    if (filters.farmerId) qb.andWhere('p.farmer_id = :farmerId', { farmerId: filters.farmerId });
    if (filters.status) qb.andWhere('p.status = :status', { status: filters.status });
    if (filters.channel) qb.andWhere('p.channel = :channel', { channel: filters.channel });
    if (filters.from) qb.andWhere('p.created_at >= :from', { from: new Date(filters.from) });
    if (filters.to) qb.andWhere('p.created_at < :to', { to: new Date(filters.to) });
    return keysetSource(qb, {
      idColumn: 'p.id',
      index: 'idx_payout_company_id',
      select: (q) => q.select([
        'p.id AS id', 'p.request_no AS requestNo', 'p.statement_id AS statementId', 'p.farmer_id AS farmerId', 'f.name AS farmerName',
        'p.point_id AS pointId', 'cp.name AS pointName', 'p.amount_fen AS amountFen', 'p.channel AS channel', 'p.status AS status',
        'p.attempts AS attempts', 'p.failure_reason AS failureReason', 'p.created_at AS createdAt', 'p.paid_at AS paidAt', 'p.failed_at AS failedAt',
      ]).leftJoin('farmer', 'f', 'f.id = p.farmer_id').leftJoin('commerce_point', 'cp', 'cp.id = p.point_id'),
      map: (r) => ({
        id: String(r.id), requestNo: String(r.requestNo), statementId: String(r.statementId), farmerId: String(r.farmerId),
        farmerName: (r.farmerName as string) ?? '', pointId: String(r.pointId), pointName: (r.pointName as string) ?? '',
        amountFen: toSafeInteger(r.amountFen), channel: r.channel as PayoutChannel, status: r.status as PayoutStatus, attempts: Number(r.attempts),
        failureReason: (r.failureReason as string | null) ?? null, createdAt: r.createdAt as Date, paidAt: (r.paidAt as Date | null) ?? null,
        failedAt: (r.failedAt as Date | null) ?? null,
      }),
    });
  }

  /** The farmer's newest payout, or null. */
  async lastForFarmer(companyId: string, farmerId: string): Promise<PayoutView | null> {
    const p = await this.dataSource.getRepository(PayoutEntity).findOne({ where: { companyId, farmerId }, order: { id: 'DESC' } });
    return p ? toView(p) : null;
  }

  /** The payout of a statement (the statement view shows a failed one and its reversal). */
  async forStatement(actor: Principal, statementId: string): Promise<PayoutView | null> {
    const p = await this.dataSource.getRepository(PayoutEntity).findOneBy({ statementId, companyId: actor.companyId });
    if (!p) return null;
    return this.get(actor, p.id);
  }
}
