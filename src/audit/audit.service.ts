import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { Page, paginate } from '../common/pagination';
import { ExportSource, keysetSource } from '../exports/keyset-source';
import { AuditLogEntity, FieldChange } from './audit-log.entity';
import { AuditLogDto, ListAuditLogsQueryDto } from './dto/list-audit-logs.dto';

/** Field names whose values never reach the audit log in clear (passwords, ID and account numbers). */
const SENSITIVE = /password|secret|token|idNumber|idCard|accountNo|accountNumber|cipher|hash/i;
/** Bookkeeping columns the database maintains itself; the entry's own time says when. */
const IGNORED = new Set(['createdAt', 'updatedAt']);

export type AuditEntry = {
  entityType: string;
  entityId: string;
  action: string;
  before?: object | null;
  after?: object | null;
  reason?: string | null;
};

/** Records who changed what; called inside the transaction of the change itself. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** The caller's company's audit log, newest first, filtered. */
  list(actor: Principal, query: ListAuditLogsQueryDto): Promise<Page<AuditLogDto>> {
    return paginate(this.listQuery(actor, query), 'a.id', query, (a) => ({
      id: a.id, actorKind: a.actorKind, actorId: a.actorId, actorRole: a.actorRole, entityType: a.entityType,
      entityId: a.entityId, action: a.action, changes: a.changes, reason: a.reason, requestId: a.requestId, createdAt: a.createdAt,
    }));
  }

  /** The export of the list: same filters, every matching entry in keyset chunks (newest first). */
  exportSource(actor: Principal, query: Omit<ListAuditLogsQueryDto, 'limit' | 'cursor'>): ExportSource<AuditLogDto> {
    return keysetSource(this.listQuery(actor, query), {
      idColumn: 'a.id',
      index: 'idx_audit_log_company_id',
      select: (qb) => qb.select([
        'a.id AS id', 'a.actor_kind AS actorKind', 'a.actor_id AS actorId', 'a.actor_role AS actorRole', 'a.entity_type AS entityType',
        'a.entity_id AS entityId', 'a.action AS action', 'a.changes AS changes', 'a.reason AS reason', 'a.request_id AS requestId',
        'a.created_at AS createdAt',
      ]),
      map: (r) => ({
        id: String(r.id), actorKind: String(r.actorKind), actorId: r.actorId === null ? null : String(r.actorId),
        actorRole: (r.actorRole as string | null) ?? null, entityType: String(r.entityType), entityId: String(r.entityId),
        action: String(r.action), changes: (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes) as unknown[],
        reason: (r.reason as string | null) ?? null, requestId: (r.requestId as string | null) ?? null, createdAt: r.createdAt as Date,
      }),
    });
  }

  /** The list's query: the caller's company and every filter. */
  private listQuery(actor: Principal, query: Omit<ListAuditLogsQueryDto, 'limit' | 'cursor'>) {
    const qb = this.dataSource.getRepository(AuditLogEntity).createQueryBuilder('a')
      .where('a.company_id = :companyId', { companyId: actor.companyId });
    if (query.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.from) qb.andWhere('a.created_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('a.created_at < :to', { to: new Date(query.to) });
    return qb;
  }

  async record(em: EntityManager, actor: Principal, entry: AuditEntry): Promise<void> {
    // A plain INSERT: it is part of every change, and the ORM's insert builder costs more than the SQL.
    await em.query(
      `INSERT INTO audit_log (company_id, actor_kind, actor_id, actor_role, entity_type, entity_id, action, changes, reason, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [actor.companyId, actor.kind, actor.id, actor.role, entry.entityType, entry.entityId, entry.action,
        JSON.stringify(diffFields(entry.before ?? null, entry.after ?? null)), entry.reason ?? null, actor.requestId ?? null],
    );
  }
}

/** The fields that differ between before and after, with sensitive values masked. */
export function diffFields(beforeObj: object | null, afterObj: object | null): FieldChange[] {
  const before = beforeObj as Record<string, unknown> | null;
  const after = afterObj as Record<string, unknown> | null;
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of keys) {
    if (IGNORED.has(field)) continue;
    const b = normalize(before?.[field]);
    const a = normalize(after?.[field]);
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const masked = SENSITIVE.test(field);
    changes.push({ field, before: masked && b != null ? '***' : b, after: masked && a != null ? '***' : a });
  }
  return changes;
}

function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value;
}
