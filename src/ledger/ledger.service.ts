import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RuleViolationError } from '../common/errors/domain-error';
import { consecutiveIdsGuaranteed, insertedIds } from '../database/inserted-ids';
import { isDuplicateKeyError } from '../database/transaction';
import { aggregateToNumber } from '../database/transformers/bigint.transformer';
import { AccountOwnerType, AccountType, EntryKind, SaleChannel } from './ledger.enums';

/** One line of a posting: an amount on one account, with what a farmer's statement shows. */
export type PostingLine = {
  accountId: string;
  /** signed integer fen */
  amountFen: number;
  /** defaults to the posting's kind (an earning posting also carries COMMISSION lines) */
  kind?: EntryKind;
  pointId?: string | null;
  productId?: string | null;
  gradeCode?: string | null;
  quantityBase?: number | null;
  unitPriceFen?: number | null;
  priceUnitSizeBase?: number | null;
  channel?: SaleChannel | null;
  occurredAt?: Date | null;
  description?: string | null;
};

export type PostingInput = {
  companyId: string;
  /** unique key of the business fact: the same fact never posts twice */
  sourceKey: string;
  kind: EntryKind;
  lines: PostingLine[];
  reason?: string | null;
  meta?: Record<string, unknown> | null;
  createdBy?: string | null;
  reversesPostingId?: string | null;
};

export type FarmerEarningRow = { companyId: string; farmerId: string; day: string; channel: SaleChannel | null; amountFen: number; entryCount: number };

export type PostingResult = { postingId: string; created: boolean };

type ResultHeader = { insertId: number | string; affectedRows: number };

/** Entry kinds a settlement statement collects from a farmer's account (payouts are the settlement itself). */
export const SETTLEABLE_KINDS: readonly EntryKind[] = [
  EntryKind.EARNING, EntryKind.CHARGEBACK, EntryKind.ADJUSTMENT, EntryKind.REVERSAL, EntryKind.PAYOUT_REVERSAL,
];

/**
 * The double-entry ledger. `post` works inside the caller's transaction, so other modules
 * (intake events here, sales later, payouts) post in the same commit as their own change.
 */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger(LedgerService.name);

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Posts balanced entries once per source key. A duplicate source key is a no-op that returns
   * the existing posting. Lines must sum to zero. Balances are updated with
   * `balance_fen = balance_fen + ?` in ascending account id order (the row locks are taken in one
   * fixed order, so concurrent postings cannot deadlock on each other's accounts), and only then are
   * the entries inserted: per account, entry ids therefore grow in commit order.
   */
  /**
   * Farmers' EARNING entries in [from, to) summed per farmer, Asia/Shanghai day and sale channel,
   * in one grouped query (the daily digest over every farmer, or one farmer's /me/earnings).
   */
  async farmerEarnings(from: Date, to: Date, farmer?: { companyId: string; farmerId: string }): Promise<FarmerEarningRow[]> {
    const params: unknown[] = [EntryKind.EARNING, from, to, AccountOwnerType.FARMER, AccountType.FARMER_PAYABLE];
    let where = '';
    if (farmer) { where = ' AND a.company_id = ? AND a.owner_id = ?'; params.push(farmer.companyId, farmer.farmerId); }
    const rows = await this.dataSource.query(
      `SELECT a.company_id, a.owner_id, DATE_FORMAT(e.created_at + INTERVAL 8 HOUR, '%Y-%m-%d') AS day, e.channel,
              SUM(e.amount_fen) AS total, COUNT(*) AS n
       FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
       WHERE e.kind = ? AND e.created_at >= ? AND e.created_at < ? AND a.owner_type = ? AND a.account_type = ?${where}
       GROUP BY a.company_id, a.owner_id, day, e.channel ORDER BY a.owner_id, day, e.channel`, params) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      companyId: String(r.company_id), farmerId: String(r.owner_id), day: String(r.day), channel: (r.channel as SaleChannel | null) ?? null,
      amountFen: aggregateToNumber(r.total), entryCount: aggregateToNumber(r.n),
    }));
  }

  async post(em: EntityManager, input: PostingInput): Promise<PostingResult> {
    assertBalanced(input);
    let postingId: string;
    try {
      const res = await em.query(
        `INSERT INTO ledger_posting (company_id, source_key, kind, reverses_posting_id, reason, meta, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [input.companyId, input.sourceKey, input.kind, input.reversesPostingId ?? null, input.reason ?? null,
          input.meta ? JSON.stringify(input.meta) : null, input.createdBy ?? null],
      ) as ResultHeader;
      postingId = String(res.insertId);
    } catch (err) {
      // The same fact posted before (or by a concurrent delivery that committed first): a no-op.
      // A failed statement leaves the caller's transaction usable in MySQL/MariaDB.
      if (!isDuplicateKeyError(err)) throw err;
      const [existing] = await em.query('SELECT id FROM ledger_posting WHERE source_key = ?', [input.sourceKey]) as Array<{ id: string }>;
      return { postingId: String(existing.id), created: false };
    }

    const deltas = new Map<string, number>();
    for (const l of input.lines) deltas.set(l.accountId, (deltas.get(l.accountId) ?? 0) + l.amountFen);
    const ordered = [...deltas.entries()].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
    for (const [accountId, delta] of ordered) {
      const updated = await em.query(
        'UPDATE ledger_account SET balance_fen = balance_fen + ? WHERE id = ? AND company_id = ?',
        [delta, accountId, input.companyId],
      ) as ResultHeader;
      if (updated.affectedRows !== 1) throw new Error(`ledger account ${accountId} not found in company ${input.companyId}`);
    }
    await em.query(
      `INSERT INTO ledger_entry (posting_id, company_id, account_id, kind, amount_fen, point_id, product_id, grade_code,
         quantity_base, unit_price_fen, price_unit_size_base, channel, occurred_at, description)
       VALUES ${input.lines.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      input.lines.flatMap((l) => [
        postingId, input.companyId, l.accountId, l.kind ?? input.kind, l.amountFen, l.pointId ?? null, l.productId ?? null,
        l.gradeCode ?? null, l.quantityBase ?? null, l.unitPriceFen ?? null, l.priceUnitSizeBase ?? null, l.channel ?? null,
        l.occurredAt ?? null, l.description ?? null,
      ]),
    );
    this.logger.debug({ postingId, sourceKey: input.sourceKey, kind: input.kind }, 'ledger posting');
    return { postingId, created: true };
  }

  /**
   * Set-wise `post` for bulk work (sales imports, allocation of many sale lines): postings whose
   * source key exists are skipped; the rest are inserted with multi-row statements, and every
   * account's balance moves once by the sum of its lines, in ascending account id order.
   * Returns the posting id per source key of the postings created.
   *
   * `newSourceKeys`: the keys name rows the caller inserted in this very transaction (a sale line's
   * or an allocation's fresh id), so none can exist yet and the look-up is skipped; the unique key
   * still refuses a second posting of the same key (the statement fails, the transaction rolls back).
   */
  async postMany(em: EntityManager, inputs: PostingInput[], options: { newSourceKeys?: boolean } = {}): Promise<Map<string, string>> {
    const created = new Map<string, string>();
    if (inputs.length === 0) return created;
    inputs.forEach(assertBalanced);
    const CHUNK = 2_000;
    let todo = inputs;
    if (!options.newSourceKeys) {
      const existing = new Set<string>();
      for (let i = 0; i < inputs.length; i += CHUNK) {
        const rows = await em.query('SELECT source_key FROM ledger_posting WHERE source_key IN (?)', [inputs.slice(i, i + CHUNK).map((p) => p.sourceKey)]) as Array<{ source_key: string }>;
        rows.forEach((r) => existing.add(r.source_key));
      }
      todo = inputs.filter((p) => !existing.has(p.sourceKey));
    }
    if (todo.length === 0) return created;
    const consecutive = await consecutiveIdsGuaranteed(em);
    const postingIds: string[] = new Array(todo.length);
    for (let i = 0; i < todo.length; i += CHUNK) {
      const chunk = todo.slice(i, i + CHUNK);
      const params: unknown[] = [];
      for (const p of chunk) params.push(p.companyId, p.sourceKey, p.kind, p.reversesPostingId ?? null, p.reason ?? null, p.meta ? JSON.stringify(p.meta) : null, p.createdBy ?? null);
      const res = await em.query(
        `INSERT INTO ledger_posting (company_id, source_key, kind, reverses_posting_id, reason, meta, created_by) VALUES ${placeholders(chunk.length, 7)}`, params,
      );
      if (consecutive) {
        insertedIds(res, chunk.length).forEach((id, k) => { postingIds[i + k] = String(id); });
      } else {
        const ids = await em.query('SELECT id, source_key FROM ledger_posting WHERE source_key IN (?)', [chunk.map((p) => p.sourceKey)]) as Array<{ id: string; source_key: string }>;
        const byKey = new Map(ids.map((r) => [r.source_key, String(r.id)]));
        chunk.forEach((p, k) => { postingIds[i + k] = byKey.get(p.sourceKey)!; });
      }
    }
    todo.forEach((p, k) => created.set(p.sourceKey, postingIds[k]));
    // entries, ENTRY_ROWS a statement, parameters built straight from the postings (no row arrays in between)
    const ENTRY_ROWS = 4_000;
    let params: unknown[] = [];
    let rows = 0;
    const flush = async () => {
      await em.query(
        `INSERT INTO ledger_entry (posting_id, company_id, account_id, kind, amount_fen, point_id, product_id, grade_code,
           quantity_base, unit_price_fen, price_unit_size_base, channel, occurred_at, description)
         VALUES ${placeholders(rows, 14)}`, params,
      );
      params = [];
      rows = 0;
    };
    for (let k = 0; k < todo.length; k++) {
      const p = todo[k];
      for (const l of p.lines) {
        params.push(postingIds[k], p.companyId, l.accountId, l.kind ?? p.kind, l.amountFen, l.pointId ?? null, l.productId ?? null,
          l.gradeCode ?? null, l.quantityBase ?? null, l.unitPriceFen ?? null, l.priceUnitSizeBase ?? null, l.channel ?? null,
          l.occurredAt ?? null, l.description ?? null);
        if (++rows === ENTRY_ROWS) await flush();
      }
    }
    if (rows) await flush();
    // Balances last: every transaction posting to an account waits for the one holding its row lock to
    // commit, so the lock is taken as late as possible (two stores selling at once share the company's accounts).
    const deltas = new Map<string, number>();
    for (const p of todo) for (const l of p.lines) deltas.set(l.accountId, (deltas.get(l.accountId) ?? 0) + l.amountFen);
    const ordered = [...deltas.entries()].filter(([, d]) => d !== 0).sort(([a], [b]) => compareIds(a, b));
    // FORCE INDEX: when the list is a large share of the table (a young company's few hundred accounts) the
    // optimizer scans the whole index instead, next-key locking every account, and two posters deadlock.
    for (let i = 0; i < ordered.length; i += 500) {
      const chunk = ordered.slice(i, i + 500);
      const updated = await em.query(
        `UPDATE ledger_account FORCE INDEX (PRIMARY) SET balance_fen = balance_fen + CASE id ${chunk.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (?)`,
        [...chunk.flatMap(([id, d]) => [id, d]), chunk.map(([id]) => id)],
      ) as ResultHeader;
      if (updated.affectedRows !== chunk.length) throw new Error('ledger account missing in postMany');
    }
    return created;
  }

  /**
   * Posts the exact negation of an earlier posting (every entry, on the same accounts) under its own
   * source key. Returns null when the original has not been posted (yet).
   */
  async reverse(em: EntityManager, originalSourceKey: string, reversalSourceKey: string, reason: string, createdBy: string | null = null): Promise<PostingResult | null> {
    const [original] = await em.query('SELECT id, company_id FROM ledger_posting WHERE source_key = ?', [originalSourceKey]) as Array<{ id: string; company_id: string }>;
    if (!original) return null;
    const entries = await em.query(
      `SELECT account_id, amount_fen, point_id, product_id, grade_code, quantity_base, unit_price_fen, price_unit_size_base, channel, occurred_at
       FROM ledger_entry WHERE posting_id = ? ORDER BY id`, [original.id],
    ) as Array<Record<string, string | null | Date>>;
    return this.post(em, {
      companyId: String(original.company_id), sourceKey: reversalSourceKey, kind: EntryKind.REVERSAL, reason,
      reversesPostingId: String(original.id), createdBy,
      lines: entries.map((e) => ({
        accountId: String(e.account_id), amountFen: -aggregateToNumber(e.amount_fen),
        pointId: e.point_id as string | null, productId: e.product_id as string | null, gradeCode: e.grade_code as string | null,
        quantityBase: e.quantity_base === null ? null : -aggregateToNumber(e.quantity_base),
        unitPriceFen: e.unit_price_fen === null ? null : aggregateToNumber(e.unit_price_fen),
        priceUnitSizeBase: e.price_unit_size_base === null ? null : Number(e.price_unit_size_base),
        channel: e.channel as SaleChannel | null, occurredAt: e.occurred_at as Date | null,
        description: `冲正 reversal of ${originalSourceKey}`,
      })),
    });
  }

  /** The account of an owner, created on demand (unique per company, owner and type). Use inside a transaction. */
  async accountFor(em: EntityManager, companyId: string, ownerType: AccountOwnerType, ownerId: string, accountType: AccountType): Promise<string> {
    const res = await em.query(
      `INSERT INTO ledger_account (company_id, owner_type, owner_id, account_type, balance_fen) VALUES (?, ?, ?, ?, 0)
       ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)`,
      [companyId, ownerType, ownerId, accountType],
    ) as ResultHeader;
    return String(res.insertId);
  }

  /**
   * Many owners' accounts at once (created on demand), keyed `<ownerType>:<ownerId>:<accountType>`.
   * Existing accounts are only read: an INSERT IGNORE of them would share-lock their unique-key entries,
   * and two transactions posting at once (two stores selling) then deadlock on each other's new accounts.
   */
  async accountsFor(em: EntityManager, companyId: string, owners: Array<{ ownerType: AccountOwnerType; ownerId: string; accountType: AccountType }>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Map(owners.map((o) => [`${o.ownerType}:${o.ownerId}:${o.accountType}`, o])).values()];
    const has = (o: { ownerType: AccountOwnerType; ownerId: string; accountType: AccountType }) => out.has(`${o.ownerType}:${o.ownerId}:${o.accountType}`);
    for (let i = 0; i < unique.length; i += 1000) {
      const chunk = unique.slice(i, i + 1000);
      await this.readAccountIds(em, companyId, chunk, out, '');
      const missing = chunk.filter((o) => !has(o));
      if (missing.length === 0) continue;
      await em.query(
        `INSERT IGNORE INTO ledger_account (company_id, owner_type, owner_id, account_type, balance_fen) VALUES ${missing.map(() => '(?, ?, ?, ?, 0)').join(', ')}`,
        missing.flatMap((o) => [companyId, o.ownerType, o.ownerId, o.accountType]),
      );
      // A locking read: it sees an account another transaction created and committed after this one's
      // snapshot (the INSERT IGNORE waited for it, then skipped it), which a plain read under REPEATABLE
      // READ would not; it locks nothing the duplicate check has not locked already.
      await this.readAccountIds(em, companyId, missing, out, ' LOCK IN SHARE MODE');
      if (missing.some((o) => !has(o))) throw new Error('ledger account missing after INSERT IGNORE');
    }
    return out;
  }

  private async readAccountIds(
    em: EntityManager, companyId: string, owners: Array<{ ownerType: AccountOwnerType; ownerId: string; accountType: AccountType }>, out: Map<string, string>, lock: string,
  ): Promise<void> {
    const rows = await em.query(
      `SELECT id, owner_type, owner_id, account_type FROM ledger_account WHERE company_id = ? AND (owner_type, owner_id, account_type) IN (${owners.map(() => '(?, ?, ?)').join(', ')})${lock}`,
      [companyId, ...owners.flatMap((o) => [o.ownerType, o.ownerId, o.accountType])],
    ) as Array<{ id: string; owner_type: string; owner_id: string; account_type: string }>;
    rows.forEach((r) => out.set(`${r.owner_type}:${r.owner_id}:${r.account_type}`, String(r.id)));
  }

  companyAccount(em: EntityManager, companyId: string, accountType: AccountType): Promise<string> {
    return this.accountFor(em, companyId, AccountOwnerType.COMPANY, '0', accountType);
  }

  farmerAccount(em: EntityManager, companyId: string, farmerId: string): Promise<string> {
    return this.accountFor(em, companyId, AccountOwnerType.FARMER, farmerId, AccountType.FARMER_PAYABLE);
  }

  /** A farmer's payable account id and maintained balance, or null if nothing was ever posted to it. */
  async findFarmerAccount(companyId: string, farmerId: string, em?: EntityManager): Promise<{ id: string; balanceFen: number } | null> {
    const [row] = await (em ?? this.dataSource.manager).query(
      `SELECT id, balance_fen FROM ledger_account WHERE company_id = ? AND owner_type = ? AND owner_id = ? AND account_type = ?`,
      [companyId, AccountOwnerType.FARMER, farmerId, AccountType.FARMER_PAYABLE],
    ) as Array<{ id: string; balance_fen: string }>;
    return row ? { id: String(row.id), balanceFen: aggregateToNumber(row.balance_fen) } : null;
  }

  /** Is there a posting with this source key? */
  async hasPosting(sourceKey: string, em?: EntityManager): Promise<boolean> {
    const rows = await (em ?? this.dataSource.manager).query('SELECT 1 FROM ledger_posting WHERE source_key = ?', [sourceKey]);
    return rows.length > 0;
  }
}

/** Ascending order of numeric ids held as strings (no BigInt per comparison: shorter is smaller). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** `(?, …, ?), …` for a multi-row VALUES list, cached per shape (the same few shapes recur per chunk). */
const placeholderCache = new Map<string, string>();
export function placeholders(rows: number, width: number): string {
  const key = `${rows}:${width}`;
  let text = placeholderCache.get(key);
  if (!text) {
    const row = `(${new Array(width).fill('?').join(', ')})`;
    text = new Array(rows).fill(row).join(', ');
    if (placeholderCache.size > 64) placeholderCache.clear();
    placeholderCache.set(key, text);
  }
  return text;
}

function assertBalanced(input: PostingInput): void {
  if (input.lines.length === 0) throw new Error(`posting ${input.sourceKey} has no lines`);
  if (!input.sourceKey || input.sourceKey.length > 120) throw new Error('source key must be 1-120 characters');
  let sum = 0n;
  for (const l of input.lines) {
    if (!Number.isSafeInteger(l.amountFen)) throw new RangeError(`amount must be integer fen, got ${l.amountFen}`);
    sum += BigInt(l.amountFen);
  }
  if (sum !== 0n) {
    throw new RuleViolationError('LEDGER_POSTING_UNBALANCED', '记账分录借贷不平', `Posting ${input.sourceKey} does not sum to zero (${sum})`);
  }
}
