import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { lineAmountFen } from '../common/money';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { AccountOwnerType, AccountType, EntryKind, SaleChannel } from '../ledger/ledger.enums';
import { LedgerService, PostingLine } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { cumulativeDeltas } from '../warehouse/apportion';
import { InventoryService } from '../warehouse/inventory.service';
import { allocationLines, AllocationService } from './allocation.service';
import { CreateRefundDto } from './dto/sales.dto';
import { RefundDisposition, SaleRefundEntity } from './sale-refund.entity';
import { SaleLineEntity } from './sale.entity';
import { SALES_EVENTS, SalesService } from './sales.service';

/** Cumulative share: amount × part / whole of everything refunded so far, less the previous cumulative figure. */
const cumDiff = (amount: number, prev: number, next: number, whole: number) => (whole === 0 ? 0 : lineAmountFen(amount, next, whole) - lineAmountFen(amount, prev, whole));

/**
 * Refunds and returns of a sale line's packs. The refunded units are spread over the line's
 * allocations with the same cumulative largest-remainder method, and every figure (farmer,
 * commissions, host commission) is reversed cumulatively, so refunding all packs — at once or in
 * parts — reverses exactly what the sale posted. Returned packs go back to stock (and their units
 * back to the lot's unallocated remainder) or to loss.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sales: SalesService,
    private readonly inventory: InventoryService,
    private readonly allocation: AllocationService,
    private readonly ledger: LedgerService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async refund(actor: Principal, saleLineId: string, dto: CreateRefundDto) {
    const line = await this.dataSource.getRepository(SaleLineEntity).findOneBy({ id: saleLineId });
    if (!line || line.companyId !== actor.companyId) throw new NotFoundError('销售行', 'Sale line', 'SALE_LINE_NOT_FOUND');
    await this.sales.getSale(actor, line.saleId); // scope check (404 outside)
    const replay = await this.dataSource.getRepository(SaleRefundEntity).findOneBy({ clientId: dto.clientId });
    if (replay) return { created: false, refund: replay };
    try {
      const id = await inTransaction(this.dataSource, (em) => this.write(em, actor, saleLineId, dto));
      return { created: true, refund: await this.dataSource.getRepository(SaleRefundEntity).findOneByOrFail({ id }) };
    } catch (err) {
      const winner = isDuplicateKeyError(err) ? await this.dataSource.getRepository(SaleRefundEntity).findOneBy({ clientId: dto.clientId }) : null;
      if (winner) return { created: false, refund: winner };
      throw err;
    }
  }

  private async write(em: EntityManager, actor: Principal, saleLineId: string, dto: CreateRefundDto): Promise<string> {
    const line = await em.getRepository(SaleLineEntity).findOne({ where: { id: saleLineId }, lock: { mode: 'pessimistic_write' } });
    if (!line) throw new NotFoundError('销售行', 'Sale line', 'SALE_LINE_NOT_FOUND');
    const left = line.packs - line.refundedPacks;
    if (dto.packs > left) throw fieldRuleViolation('REFUND_EXCEEDS_SALE', 'packs', `最多可退 ${left} 包`, `at most ${left} packs can be refunded`);
    const allocs = await em.query(
      `SELECT a.id, a.consignment_line_id, a.farmer_id, a.quantity_base, a.refunded_base, a.farmer_amount_fen, a.agent_commission_fen, a.collective_share_fen,
              c.created_by, c.point_id, f.village_region_id
       FROM sale_allocation a JOIN consignment_line cl ON cl.id = a.consignment_line_id JOIN consignment c ON c.id = cl.consignment_id JOIN farmer f ON f.id = a.farmer_id
       WHERE a.sale_line_id = ? ORDER BY a.id FOR UPDATE`, [saleLineId],
    ) as Array<Record<string, string | number | null>>;
    const n = (r: Record<string, unknown>, k: string) => Number(r[k]);
    const content = line.unitsBase / line.packs;
    const prevPacks = line.refundedPacks;
    const nextPacks = prevPacks + dto.packs;
    // the line's units from company stock (converted unsold goods) take their share of the refund last in the list; they carry no farmer money
    const deltas = cumulativeDeltas([...allocs.map((a) => n(a, 'quantity_base')), line.companyBase], [...allocs.map((a) => n(a, 'refunded_base')), line.companyRefundedBase], nextPacks * content);
    const companyDelta = deltas.pop()!;
    const parts = allocs.map((a, i) => {
      const q = n(a, 'quantity_base'); const prev = n(a, 'refunded_base'); const next = prev + deltas[i];
      return {
        allocationId: String(a.id), consignmentLineId: String(a.consignment_line_id), farmerId: String(a.farmer_id), agentId: String(a.created_by),
        pointId: String(a.point_id), villageRegionId: a.village_region_id === null ? null : String(a.village_region_id), quantityBase: deltas[i],
        farmerAmountFen: cumDiff(n(a, 'farmer_amount_fen'), prev, next, q), agentCommissionFen: cumDiff(n(a, 'agent_commission_fen'), prev, next, q),
        collectiveShareFen: cumDiff(n(a, 'collective_share_fen'), prev, next, q),
      };
    });
    const revenueFen = dto.packs * line.unitPriceFen;
    const farmerFen = parts.reduce((s, p) => s + p.farmerAmountFen, 0);
    const commissionFen = parts.reduce((s, p) => s + p.agentCommissionFen + p.collectiveShareFen, 0);
    const hostCommissionFen = cumDiff(line.hostCommissionFen, prevPacks, nextPacks, line.packs);
    const marginFen = revenueFen - farmerFen - commissionFen - hostCommissionFen;

    const res = await em.getRepository(SaleRefundEntity).insert({
      companyId: line.companyId, saleLineId, clientId: dto.clientId, packs: dto.packs, disposition: dto.disposition, reason: dto.reason,
      revenueFen, farmerFen, commissionFen, hostCommissionFen, marginFen, createdBy: actor.id,
    });
    const refundId = String(res.identifiers[0].id);
    const moved = parts.filter((p) => p.quantityBase > 0 || p.farmerAmountFen || p.agentCommissionFen || p.collectiveShareFen);
    if (moved.length) {
      await em.query(
        `INSERT INTO refund_allocation (refund_id, allocation_id, farmer_id, quantity_base, farmer_amount_fen, agent_commission_fen, collective_share_fen) VALUES ${moved.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        moved.flatMap((p) => [refundId, p.allocationId, p.farmerId, p.quantityBase, p.farmerAmountFen, p.agentCommissionFen, p.collectiveShareFen]),
      );
      for (const p of moved) await em.query('UPDATE sale_allocation SET refunded_base = refunded_base + ? WHERE id = ?', [p.quantityBase, p.allocationId]);
    }
    await em.query('UPDATE sale_line SET refunded_packs = refunded_packs + ?, company_refunded_base = company_refunded_base + ? WHERE id = ?', [dto.packs, companyDelta, saleLineId]);
    if (dto.disposition === RefundDisposition.RESTOCK) {
      await this.inventory.lockLots(em, line.companyId, [line.lotId]);
      await this.inventory.returnPacks(em, line.lotId, dto.packs);
      // the units are unsold again: they leave the lot's cumulative allocation (and the snapshot-price fen with them)
      const state = await this.allocation.lockLotState(em, [line.lotId]);
      for (const c of state.get(line.lotId) ?? []) {
        if (c.company) { c.allocatedBase -= companyDelta; continue; }
        const back = parts.filter((p) => p.consignmentLineId === c.consignmentLineId);
        c.allocatedBase -= back.reduce((s, p) => s + p.quantityBase, 0);
        c.allocatedFen -= back.reduce((s, p) => s + p.farmerAmountFen, 0);
      }
      await this.allocation.saveState(em, state);
    }
    const owners = [
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.SALES_RECEIVABLE },
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.SALES_CLEARING },
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.SALES_MARGIN },
      { ownerType: AccountOwnerType.CHANNEL, ownerId: (await em.query('SELECT channel_id FROM sale WHERE id = ?', [line.saleId]))[0].channel_id as string, accountType: AccountType.COMMISSION_PAYABLE },
      ...moved.flatMap((p) => [
        { ownerType: AccountOwnerType.FARMER, ownerId: p.farmerId, accountType: AccountType.FARMER_PAYABLE },
        { ownerType: AccountOwnerType.AGENT, ownerId: p.agentId, accountType: AccountType.COMMISSION_PAYABLE },
        ...(p.villageRegionId ? [{ ownerType: AccountOwnerType.VILLAGE_COLLECTIVE, ownerId: p.villageRegionId, accountType: AccountType.COLLECTIVE_PAYABLE }] : []),
      ]),
    ];
    const acc = await this.ledger.accountsFor(em, line.companyId, owners.map((o) => ({ ...o, ownerId: String(o.ownerId) })));
    const company = (t: AccountType) => acc.get(`${AccountOwnerType.COMPANY}:0:${t}`)!;
    const detail = { productId: line.productId, channel: line.channelKind as SaleChannel, occurredAt: new Date(), unitPriceFen: line.unitPriceFen };
    const lines: PostingLine[] = [
      { accountId: company(AccountType.SALES_RECEIVABLE), amountFen: revenueFen, quantityBase: -dto.packs * content, ...detail },
      { accountId: acc.get(`${AccountOwnerType.CHANNEL}:${owners[3].ownerId}:${AccountType.COMMISSION_PAYABLE}`)!, amountFen: -hostCommissionFen, kind: EntryKind.COMMISSION, ...detail },
      { accountId: company(AccountType.SALES_MARGIN), amountFen: -marginFen, ...detail },
      { accountId: company(AccountType.SALES_CLEARING), amountFen: -(farmerFen + commissionFen), ...detail },
      ...moved.flatMap((p) => allocationLines(p, acc, company(AccountType.SALES_CLEARING), { ...detail, pointId: p.pointId, quantityBase: -p.quantityBase }, -1)),
    ].filter((l) => l.amountFen !== 0);
    if (lines.length) {
      await this.ledger.post(em, { companyId: line.companyId, sourceKey: `sale-refund:${refundId}`, kind: EntryKind.REFUND, lines, reason: dto.reason, createdBy: actor.id, meta: { saleLineId, packs: dto.packs } });
    }
    await this.outbox.publish(em, {
      eventType: SALES_EVENTS.SALE_REFUNDED, aggregateType: 'sale_refund', aggregateId: refundId,
      payload: { refundId, saleLineId, saleId: line.saleId, companyId: line.companyId, packs: dto.packs, revenueFen, farmers: moved.map((p) => ({ farmerId: p.farmerId, quantityBase: p.quantityBase, amountFen: -p.farmerAmountFen })) },
    });
    await this.audit.record(em, actor, { entityType: 'sale_refund', entityId: refundId, action: 'create', reason: dto.reason, after: { saleLineId, packs: dto.packs, disposition: dto.disposition, revenueFen } });
    return refundId;
  }
}
