import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SettlementMode } from '../catalog/product.entity';
import { lineAmountFen, percentOfFen } from '../common/money';
import { splitCommission } from '../ledger/commission';
import { CommissionRulesService } from '../ledger/commission-rules.service';
import { AccountOwnerType, AccountType, EntryKind, SaleChannel } from '../ledger/ledger.enums';
import { LedgerService, PostingInput, PostingLine } from '../ledger/ledger.service';
import { consecutiveIdsGuaranteed, insertedIds } from '../database/inserted-ids';
import { apportionAmount, cumulativeDeltas } from '../warehouse/apportion';

/** A sale line to allocate (before it has an id). */
export type LineToAllocate = {
  lotId: string; productId: string; unitsBase: number; revenueFen: number; soldAt: Date; channel: SaleChannel; hostBasisPoints: number;
};

export type PlannedAllocation = {
  lotId: string; consignmentLineId: string; farmerId: string; settlementMode: SettlementMode; quantityBase: number; revenueFen: number;
  farmerAmountFen: number; agentCommissionFen: number; collectiveShareFen: number; agentId: string; pointId: string; villageRegionId: string | null;
};

export type PlannedLine = {
  farmerFen: number; commissionFen: number; hostCommissionFen: number; marginFen: number; allocations: PlannedAllocation[];
  /** units drawn from the company's own stock in the lot (converted unsold goods): no allocation, all margin */
  companyBase: number;
};

type Contributor = {
  consignmentLineId: string; farmerId: string; contributedBase: number; allocatedBase: number; allocatedFen: number;
  acceptedAmountFen: number; acceptedQuantityBase: number; settlementMode: SettlementMode; agentId: string; pointId: string; villageRegionId: string | null;
  productId: string;
  /** the lot's company-stock row (consignment line 0) */
  company: boolean;
};

/** Consignment line id of the company's own stock in `lot_allocation`. */
export const COMPANY_STOCK_LINE = '0';

/** A lot's share of a consignment-mode line whose consignment period is over, to convert to company stock. */
export type UnsoldShare = { lotId: string; consignmentLineId: string };

export type Conversion = {
  lotId: string; consignmentLineId: string; farmerId: string; productId: string; pointId: string; quantityBase: number;
  farmerAmountFen: number; agentCommissionFen: number; collectiveShareFen: number; sourceKey: string;
};

/** Source key of the ledger posting of a conversion: one per lot and consignment line, ever. */
export const conversionSourceKey = (lotId: string, lineId: string) => `unsold-convert:${lotId}:${lineId}`;

export type AllocationPlan = { lines: PlannedLine[]; state: Map<string, Contributor[]> };

/**
 * Allocation of sold units back to the consignment lines (farmers) that went into each lot, and the
 * postings that follow. Deterministic: contributors in consignment line id order, cumulative
 * largest-remainder shares (`cumulativeDeltas`) against the per lot/line state in `lot_allocation`.
 * Set-wise: a whole import is planned in memory and written with multi-row statements.
 */
@Injectable()
export class AllocationService {
  constructor(private readonly ledger: LedgerService, private readonly rules: CommissionRulesService) {}

  /** Locks the lots' allocation state (initialised from provenance on first use) and plans the lines in order. Call with the lots already row-locked. */
  async plan(em: EntityManager, companyId: string, lines: LineToAllocate[]): Promise<AllocationPlan> {
    const lotIds = [...new Set(lines.map((l) => l.lotId))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const state = await this.lockState(em, lotIds);
    const productIds = [...new Set(lines.map((l) => l.productId))];
    const shareRows = productIds.length ? await em.query('SELECT id, farmer_share_basis_points FROM product WHERE id IN (?)', [productIds]) as Array<{ id: string; farmer_share_basis_points: number | null }> : [];
    const farmerShare = new Map(shareRows.map((r) => [String(r.id), r.farmer_share_basis_points === null ? null : Number(r.farmer_share_basis_points)]));
    const ruleAt = await this.rules.inForceMany(companyId, productIds, [...new Set(lines.map((l) => l.channel))], em);

    const planned = lines.map((line): PlannedLine => {
      const contributors = state.get(line.lotId) ?? [];
      const allocated = contributors.map((c) => c.allocatedBase);
      const cumulative = allocated.reduce((s, a) => s + a, 0) + line.unitsBase;
      const total = contributors.reduce((s, c) => s + c.contributedBase, 0);
      if (cumulative > total) throw new Error(`lot ${line.lotId}: ${cumulative} units allocated exceed the ${total} contributed`);
      const deltas = cumulativeDeltas(contributors.map((c) => c.contributedBase), allocated, cumulative);
      const revenue = apportionAmount(line.revenueFen, deltas);
      const bp = farmerShare.get(line.productId) ?? null;
      const rule = ruleAt(line.productId, line.channel, line.soldAt);
      const allocations: PlannedAllocation[] = [];
      let companyBase = 0;
      contributors.forEach((c, i) => {
        if (deltas[i] === 0) return;
        if (c.company) {
          // company stock: the farmers were paid when it was converted
          companyBase += deltas[i];
          c.allocatedBase += deltas[i];
          return;
        }
        let farmerAmountFen = 0;
        if (c.settlementMode === SettlementMode.CONSIGNMENT) {
          if (bp !== null) {
            farmerAmountFen = percentOfFen(revenue[i], bp);
            c.allocatedFen += farmerAmountFen; // net earned so far; refunds take it back
          }
          else if (c.acceptedQuantityBase > 0) {
            // cumulative: the snapshot price × all units allocated so far, less what was already earned
            const cumFen = lineAmountFen(c.acceptedAmountFen, c.allocatedBase + deltas[i], c.acceptedQuantityBase);
            farmerAmountFen = cumFen - c.allocatedFen;
            c.allocatedFen = cumFen;
          }
        }
        c.allocatedBase += deltas[i];
        const split = c.settlementMode === SettlementMode.CONSIGNMENT ? splitCommission(rule, deltas[i], farmerAmountFen) : { agentCommissionFen: 0, collectiveShareFen: 0 };
        if (!c.villageRegionId) split.collectiveShareFen = 0;
        allocations.push({
          lotId: line.lotId, consignmentLineId: c.consignmentLineId, farmerId: c.farmerId, settlementMode: c.settlementMode, quantityBase: deltas[i],
          revenueFen: revenue[i], farmerAmountFen, agentCommissionFen: split.agentCommissionFen, collectiveShareFen: split.collectiveShareFen,
          agentId: c.agentId, pointId: c.pointId, villageRegionId: c.villageRegionId,
        });
      });
      const farmerFen = allocations.reduce((s, a) => s + a.farmerAmountFen, 0);
      const commissionFen = allocations.reduce((s, a) => s + a.agentCommissionFen + a.collectiveShareFen, 0);
      const hostCommissionFen = percentOfFen(line.revenueFen, line.hostBasisPoints);
      return { farmerFen, commissionFen, hostCommissionFen, marginFen: line.revenueFen - farmerFen - commissionFen - hostCommissionFen, allocations, companyBase };
    });
    return { lines: planned, state };
  }

  /**
   * Writes the planned allocations of sale lines that now have ids, the new cumulative state, and
   * the postings: `sale-line:<id>` (receivable −revenue, host commission, margin, clearing) and
   * `sale-allocation:<id>` (farmer earning, agent commission, collective share against clearing).
   */
  async persist(
    em: EntityManager, companyId: string, plan: AllocationPlan,
    lines: Array<{ saleLineId: string; line: LineToAllocate; channelId: string; skuId: string; packs: number; unitPriceFen: number }>,
  ): Promise<Array<{ saleLineId: string; allocations: Array<PlannedAllocation & { id: string }> }>> {
    const rows = lines.flatMap((l, k) => plan.lines[k].allocations.map((a) => ({ a, saleLineId: l.saleLineId })));
    const consecutive = await consecutiveIdsGuaranteed(em);
    const allocationIds: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i += 4000) {
      const chunk = rows.slice(i, i + 4000);
      const params: unknown[] = [];
      for (const { a, saleLineId } of chunk) params.push(saleLineId, a.lotId, a.consignmentLineId, a.farmerId, a.settlementMode, a.quantityBase, a.revenueFen, a.farmerAmountFen, a.agentCommissionFen, a.collectiveShareFen);
      const res = await em.query(
        `INSERT INTO sale_allocation (sale_line_id, lot_id, consignment_line_id, farmer_id, settlement_mode, quantity_base, revenue_fen, farmer_amount_fen, agent_commission_fen, collective_share_fen, refunded_base)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)').join(', ')}`, params,
      );
      if (consecutive) insertedIds(res, chunk.length).forEach((id, k) => { allocationIds[i + k] = String(id); });
    }
    if (!consecutive) {
      const ids = new Map<string, string>();
      for (let i = 0; i < lines.length; i += 2000) {
        const found = await em.query('SELECT id, sale_line_id, consignment_line_id FROM sale_allocation WHERE sale_line_id IN (?)', [lines.slice(i, i + 2000).map((l) => l.saleLineId)]) as Array<Record<string, string>>;
        found.forEach((r) => ids.set(`${r.sale_line_id}:${r.consignment_line_id}`, String(r.id)));
      }
      rows.forEach(({ a, saleLineId }, k) => { allocationIds[k] = ids.get(`${saleLineId}:${a.consignmentLineId}`)!; });
    }
    await this.saveState(em, plan.state);

    const owners: Array<{ ownerType: AccountOwnerType; ownerId: string; accountType: AccountType }> = [
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.SALES_RECEIVABLE },
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.SALES_CLEARING },
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.SALES_MARGIN },
    ];
    for (const l of lines) owners.push({ ownerType: AccountOwnerType.CHANNEL, ownerId: l.channelId, accountType: AccountType.COMMISSION_PAYABLE });
    for (const { a } of rows) {
      if (a.farmerAmountFen) owners.push({ ownerType: AccountOwnerType.FARMER, ownerId: a.farmerId, accountType: AccountType.FARMER_PAYABLE });
      if (a.agentCommissionFen) owners.push({ ownerType: AccountOwnerType.AGENT, ownerId: a.agentId, accountType: AccountType.COMMISSION_PAYABLE });
      if (a.collectiveShareFen && a.villageRegionId) owners.push({ ownerType: AccountOwnerType.VILLAGE_COLLECTIVE, ownerId: a.villageRegionId, accountType: AccountType.COLLECTIVE_PAYABLE });
    }
    const acc = await this.ledger.accountsFor(em, companyId, owners);
    const company = (t: AccountType) => acc.get(`${AccountOwnerType.COMPANY}:0:${t}`)!;
    const postings: PostingInput[] = [];
    let row = 0; // allocations in the order they were inserted
    const out = lines.map((l, k) => {
      const p = plan.lines[k];
      const detail = { productId: l.line.productId, channel: l.line.channel, occurredAt: l.line.soldAt, unitPriceFen: l.unitPriceFen };
      const saleLines: PostingLine[] = [
        { accountId: company(AccountType.SALES_RECEIVABLE), amountFen: -l.line.revenueFen, quantityBase: l.line.unitsBase, ...detail },
        { accountId: acc.get(`${AccountOwnerType.CHANNEL}:${l.channelId}:${AccountType.COMMISSION_PAYABLE}`)!, amountFen: p.hostCommissionFen, kind: EntryKind.COMMISSION, ...detail, description: '主播佣金 host commission' },
        { accountId: company(AccountType.SALES_MARGIN), amountFen: p.marginFen, ...detail },
        { accountId: company(AccountType.SALES_CLEARING), amountFen: p.farmerFen + p.commissionFen, ...detail },
      ].filter((x) => x.amountFen !== 0);
      if (saleLines.length) {
        postings.push({ companyId, sourceKey: `sale-line:${l.saleLineId}`, kind: EntryKind.SALE, lines: saleLines, meta: { saleLineId: l.saleLineId, skuId: l.skuId, packs: l.packs } });
      }
      const allocations = p.allocations.map((a) => {
        const id = allocationIds[row++];
        const postingLines = allocationLines(a, acc, company(AccountType.SALES_CLEARING), { ...detail, pointId: a.pointId, quantityBase: a.quantityBase }, 1);
        if (postingLines.length) {
          postings.push({ companyId, sourceKey: `sale-allocation:${id}`, kind: EntryKind.EARNING, lines: postingLines, meta: { saleLineId: l.saleLineId, consignmentLineId: a.consignmentLineId } });
        }
        return { ...a, id };
      });
      return { saleLineId: l.saleLineId, allocations };
    });
    // source keys of the sale lines and allocations just inserted: none can exist yet
    await this.ledger.postMany(em, postings, { newSourceKeys: true });
    return out;
  }

  private async lockState(em: EntityManager, lotIds: string[]): Promise<Map<string, Contributor[]>> {
    const state = new Map<string, Contributor[]>();
    if (lotIds.length === 0) return state;
    const have = new Set((await em.query('SELECT DISTINCT lot_id FROM lot_allocation WHERE lot_id IN (?)', [lotIds]) as Array<{ lot_id: string }>).map((r) => String(r.lot_id)));
    const missing = lotIds.filter((id) => !have.has(id));
    if (missing.length) {
      await em.query(
        `INSERT IGNORE INTO lot_allocation (lot_id, consignment_line_id, farmer_id, contributed_base, allocated_base, allocated_fen)
         SELECT lot_id, consignment_line_id, MIN(farmer_id), SUM(quantity_base), 0, 0 FROM lot_provenance WHERE lot_id IN (?) GROUP BY lot_id, consignment_line_id`, [missing]);
    }
    const rows = await em.query(
      'SELECT lot_id, consignment_line_id, farmer_id, contributed_base, allocated_base, allocated_fen FROM lot_allocation WHERE lot_id IN (?) ORDER BY lot_id, consignment_line_id FOR UPDATE', [lotIds],
    ) as Array<Record<string, string | number>>;
    const lineIds = [...new Set(rows.map((r) => String(r.consignment_line_id)))].filter((id) => id !== COMPANY_STOCK_LINE);
    const ctx = new Map<string, Record<string, string | number | null>>();
    for (let i = 0; i < lineIds.length; i += 5000) {
      const found = await em.query(
        `SELECT cl.id, cl.product_id, cl.accepted_amount_fen, cl.accepted_quantity_base, cl.settlement_mode, c.created_by, c.point_id, f.village_region_id
         FROM consignment_line cl JOIN consignment c ON c.id = cl.consignment_id JOIN farmer f ON f.id = c.farmer_id WHERE cl.id IN (?)`, [lineIds.slice(i, i + 5000)],
      ) as Array<Record<string, string | number | null>>;
      found.forEach((r) => ctx.set(String(r.id), r));
    }
    for (const r of rows) {
      const list = state.get(String(r.lot_id)) ?? [];
      if (String(r.consignment_line_id) === COMPANY_STOCK_LINE) {
        list.push(companyStock(Number(r.contributed_base), Number(r.allocated_base)));
        state.set(String(r.lot_id), list);
        continue;
      }
      const c = ctx.get(String(r.consignment_line_id))!;
      list.push({
        consignmentLineId: String(r.consignment_line_id), farmerId: String(r.farmer_id), contributedBase: Number(r.contributed_base),
        allocatedBase: Number(r.allocated_base), allocatedFen: Number(r.allocated_fen), acceptedAmountFen: Number(c.accepted_amount_fen),
        acceptedQuantityBase: Number(c.accepted_quantity_base), settlementMode: c.settlement_mode as SettlementMode, agentId: String(c.created_by),
        pointId: String(c.point_id), villageRegionId: c.village_region_id === null ? null : String(c.village_region_id),
        productId: String(c.product_id), company: false,
      });
      state.set(String(r.lot_id), list);
    }
    // contributors in consignment line id order (numeric), the allocation's determinism
    for (const list of state.values()) list.sort((a, b) => (BigInt(a.consignmentLineId) < BigInt(b.consignmentLineId) ? -1 : 1));
    return state;
  }

  /** Writes the cumulative per lot/line figures back (one multi-row upsert; the company-stock row's contribution grows with each conversion). */
  async saveState(em: EntityManager, state: Map<string, Contributor[]>): Promise<void> {
    const rows = [...state.entries()].flatMap(([lotId, list]) => list.map((c) => [lotId, c.consignmentLineId, c.farmerId, c.contributedBase, c.allocatedBase, c.allocatedFen]));
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      await em.query(
        `INSERT INTO lot_allocation (lot_id, consignment_line_id, farmer_id, contributed_base, allocated_base, allocated_fen) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         ON DUPLICATE KEY UPDATE contributed_base = VALUES(contributed_base), allocated_base = VALUES(allocated_base), allocated_fen = VALUES(allocated_fen)`, chunk.flat(),
      );
    }
  }

  /** Lock state of given lots (for refunds, which give units back). */
  lockLotState(em: EntityManager, lotIds: string[]): Promise<Map<string, Contributor[]>> {
    return this.lockState(em, lotIds);
  }

  /**
   * Unsold goods converted to company stock: each share's units not yet allocated are allocated to
   * its line as if the company bought them at the QC-locked price (cumulative, like a sale, so the
   * line's earnings over all its sales and the conversion add up to the locked amount), and
   * contributed to the lot's company-stock row, so later sales draw them as company stock and never
   * allocate them to the line again. Posts `unsold-convert:<lotId>:<lineId>` per share: farmer
   * earning against GOODS_COST, and agent commission and collective share under the PURCHASE rule
   * against COMMISSION_COST. Call with the lots row-locked (same order as sales: lot rows, then state).
   */
  async convertUnsold(em: EntityManager, companyId: string, shares: UnsoldShare[], at: Date): Promise<Conversion[]> {
    const lotIds = [...new Set(shares.map((x) => x.lotId))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const state = await this.lockState(em, lotIds);
    const wanted = new Set(shares.map((x) => `${x.lotId}:${x.consignmentLineId}`));
    const picked: Array<{ lotId: string; c: Contributor }> = [];
    for (const lotId of lotIds) {
      for (const c of state.get(lotId) ?? []) {
        if (!c.company && c.settlementMode === SettlementMode.CONSIGNMENT && wanted.has(`${lotId}:${c.consignmentLineId}`) && c.contributedBase > c.allocatedBase) picked.push({ lotId, c });
      }
    }
    if (picked.length === 0) return [];
    const productIds = [...new Set(picked.map((p) => p.c.productId))];
    const shareRows = await em.query('SELECT id, farmer_share_basis_points FROM product WHERE id IN (?)', [productIds]) as Array<{ id: string; farmer_share_basis_points: number | null }>;
    const byShare = new Set(shareRows.filter((r) => r.farmer_share_basis_points !== null).map((r) => String(r.id)));
    const ruleAt = await this.rules.inForceMany(companyId, productIds, [SaleChannel.PURCHASE], em);

    const conversions: Conversion[] = picked.map(({ lotId, c }) => {
      const units = c.contributedBase - c.allocatedBase;
      const locked = (u: number) => (c.acceptedQuantityBase > 0 ? lineAmountFen(c.acceptedAmountFen, u, c.acceptedQuantityBase) : 0);
      let farmerAmountFen: number;
      if (byShare.has(c.productId)) {
        // earnings so far are shares of sale prices; the rest is bought at the locked price
        farmerAmountFen = locked(c.contributedBase) - locked(c.allocatedBase);
        c.allocatedFen += farmerAmountFen;
      } else {
        const cumFen = locked(c.contributedBase);
        farmerAmountFen = cumFen - c.allocatedFen;
        c.allocatedFen = cumFen;
      }
      c.allocatedBase = c.contributedBase;
      const split = splitCommission(ruleAt(c.productId, SaleChannel.PURCHASE, at), units, farmerAmountFen);
      if (!c.villageRegionId) split.collectiveShareFen = 0;
      const list = state.get(lotId)!;
      let stock = list.find((x) => x.company);
      if (!stock) { stock = companyStock(0, 0); list.unshift(stock); }
      stock.contributedBase += units;
      return {
        lotId, consignmentLineId: c.consignmentLineId, farmerId: c.farmerId, productId: c.productId, pointId: c.pointId, quantityBase: units, farmerAmountFen,
        agentCommissionFen: split.agentCommissionFen, collectiveShareFen: split.collectiveShareFen, sourceKey: conversionSourceKey(lotId, c.consignmentLineId),
      };
    });
    await this.saveState(em, state);

    const owners: Array<{ ownerType: AccountOwnerType; ownerId: string; accountType: AccountType }> = [
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.GOODS_COST },
      { ownerType: AccountOwnerType.COMPANY, ownerId: '0', accountType: AccountType.COMMISSION_COST },
    ];
    for (const { c } of picked) {
      owners.push({ ownerType: AccountOwnerType.FARMER, ownerId: c.farmerId, accountType: AccountType.FARMER_PAYABLE });
      owners.push({ ownerType: AccountOwnerType.AGENT, ownerId: c.agentId, accountType: AccountType.COMMISSION_PAYABLE });
      if (c.villageRegionId) owners.push({ ownerType: AccountOwnerType.VILLAGE_COLLECTIVE, ownerId: c.villageRegionId, accountType: AccountType.COLLECTIVE_PAYABLE });
    }
    const acc = await this.ledger.accountsFor(em, companyId, owners);
    const company = (t: AccountType) => acc.get(`${AccountOwnerType.COMPANY}:0:${t}`)!;
    const postings: PostingInput[] = [];
    for (const [k, v] of conversions.entries()) {
      const { c } = picked[k];
      const detail = { pointId: c.pointId, productId: c.productId, quantityBase: v.quantityBase, channel: SaleChannel.PURCHASE, occurredAt: at };
      const lines: PostingLine[] = [
        { accountId: acc.get(`${AccountOwnerType.FARMER}:${c.farmerId}:${AccountType.FARMER_PAYABLE}`)!, amountFen: v.farmerAmountFen, ...detail, description: '寄售期满未售，公司按约定价收购 unsold, bought by the company at the agreed price' },
        { accountId: company(AccountType.GOODS_COST), amountFen: -v.farmerAmountFen, ...detail },
        { accountId: acc.get(`${AccountOwnerType.AGENT}:${c.agentId}:${AccountType.COMMISSION_PAYABLE}`)!, amountFen: v.agentCommissionFen, kind: EntryKind.COMMISSION, ...detail },
        ...(c.villageRegionId ? [{ accountId: acc.get(`${AccountOwnerType.VILLAGE_COLLECTIVE}:${c.villageRegionId}:${AccountType.COLLECTIVE_PAYABLE}`)!, amountFen: v.collectiveShareFen, kind: EntryKind.COLLECTIVE_SHARE, ...detail }] : []),
        { accountId: company(AccountType.COMMISSION_COST), amountFen: -(v.agentCommissionFen + v.collectiveShareFen), kind: EntryKind.COMMISSION, ...detail },
      ].filter((l) => l.amountFen !== 0);
      if (lines.length) postings.push({ companyId, sourceKey: v.sourceKey, kind: EntryKind.EARNING, lines, meta: { lotId: v.lotId, consignmentLineId: v.consignmentLineId, unsoldConversion: true } });
    }
    await this.ledger.postMany(em, postings);
    return conversions;
  }
}

/** The company-stock contributor of a lot (no farmer, no price: its units earn nothing when sold). */
function companyStock(contributedBase: number, allocatedBase: number): Contributor {
  return {
    consignmentLineId: COMPANY_STOCK_LINE, farmerId: '0', contributedBase, allocatedBase, allocatedFen: 0, acceptedAmountFen: 0, acceptedQuantityBase: 0,
    settlementMode: SettlementMode.PURCHASE, agentId: '0', pointId: '0', villageRegionId: null, productId: '0', company: true,
  };
}

/** Posting lines of one allocation (sign 1) or of its refunded part (sign −1): farmer, agent, collective against clearing. */
export function allocationLines(
  a: { farmerId: string; agentId: string; villageRegionId: string | null; farmerAmountFen: number; agentCommissionFen: number; collectiveShareFen: number },
  acc: Map<string, string>, clearing: string, detail: Omit<PostingLine, 'accountId' | 'amountFen'>, sign: 1 | -1,
): PostingLine[] {
  const lines: PostingLine[] = [];
  if (a.farmerAmountFen) lines.push({ accountId: acc.get(`${AccountOwnerType.FARMER}:${a.farmerId}:${AccountType.FARMER_PAYABLE}`)!, amountFen: sign * a.farmerAmountFen, kind: sign > 0 ? EntryKind.EARNING : EntryKind.REVERSAL, ...detail, description: sign > 0 ? '寄售售出 consignment sold' : '退货冲回 refund' });
  if (a.agentCommissionFen) lines.push({ accountId: acc.get(`${AccountOwnerType.AGENT}:${a.agentId}:${AccountType.COMMISSION_PAYABLE}`)!, amountFen: sign * a.agentCommissionFen, kind: EntryKind.COMMISSION, ...detail });
  if (a.collectiveShareFen && a.villageRegionId) lines.push({ accountId: acc.get(`${AccountOwnerType.VILLAGE_COLLECTIVE}:${a.villageRegionId}:${AccountType.COLLECTIVE_PAYABLE}`)!, amountFen: sign * a.collectiveShareFen, kind: EntryKind.COLLECTIVE_SHARE, ...detail });
  const sum = lines.reduce((s, l) => s + l.amountFen, 0);
  if (sum !== 0) lines.push({ accountId: clearing, amountFen: -sum, ...detail });
  return lines;
}
