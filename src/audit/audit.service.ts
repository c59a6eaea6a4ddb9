import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { Page, paginate } from '../common/pagination';
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
    const qb = this.dataSource.getRepository(AuditLogEntity).createQueryBuilder('a')
      .where('a.company_id = :companyId', { companyId: actor.companyId });
    if (query.entityType) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.from) qb.andWhere('a.created_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('a.created_at < :to', { to: new Date(query.to) });
    return paginate(qb, 'a.id', query, (a) => ({
      id: a.id, actorKind: a.actorKind, actorId: a.actorId, actorRole: a.actorRole, entityType: a.entityType,
      entityId: a.entityId, action: a.action, changes: a.changes, reason: a.reason, requestId: a.requestId, createdAt: a.createdAt,
    }));
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
