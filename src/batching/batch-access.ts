import { Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { isDuplicateKeyError } from '../database/transaction';
import { CommercePointsService } from '../organization/commerce-points.service';
import { BatchRequestEntity } from './batch-request.entity';
import { BatchEntity } from './batch.entity';

export const batchNotFound = () => new NotFoundError('批次', 'Batch', 'BATCH_NOT_FOUND');

/** SHA-256 of a request body with keys sorted: the same body always hashes the same. */
export function canonicalHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') return Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]);
    return v ?? null;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/** May the caller act for the batch's warehouse (its staff, or an admin of the company)? */
export function canActAtWarehouse(actor: Principal, warehouseId: string): boolean {
  return actor.role === Role.ADMIN || (actor.role === Role.WAREHOUSE_STAFF && actor.warehouseIds.includes(warehouseId));
}

/**
 * Finding a batch for a caller: point-side actions (agents, admins), warehouse-side actions (its
 * staff, admins), reads (anyone who sees the point or the warehouse). Out of scope is 404. Also
 * the client request ids that make adds, receipts and chargebacks idempotent.
 */
@Injectable()
export class BatchAccess {
  constructor(private readonly dataSource: DataSource, private readonly points: CommercePointsService) {}

  /** The batch, row-locked, if the caller may act at its point. */
  async lockForPoint(em: EntityManager, actor: Principal, id: string): Promise<BatchEntity> {
    const batch = await this.lock(em, actor, id);
    await this.points.requireActivePointForAction(actor, batch.pointId, em).catch((err) => {
      throw err instanceof NotFoundError ? batchNotFound() : err;
    });
    return batch;
  }

  /** The batch, row-locked, if the caller works at its destination warehouse. */
  async lockForWarehouse(em: EntityManager, actor: Principal, id: string): Promise<BatchEntity> {
    const batch = await this.lock(em, actor, id);
    if (!canActAtWarehouse(actor, batch.warehouseId)) throw batchNotFound();
    return batch;
  }

  /** The batch if the caller may see it: its point's people, its warehouse's staff, admins, managers of the region. */
  async requireVisible(actor: Principal, id: string, em: EntityManager = this.dataSource.manager): Promise<BatchEntity> {
    const batch = await em.getRepository(BatchEntity).findOneBy({ id });
    if (!batch || batch.companyId !== actor.companyId) throw batchNotFound();
    if (actor.role === Role.WAREHOUSE_STAFF) {
      if (!actor.warehouseIds.includes(batch.warehouseId)) throw batchNotFound();
      return batch;
    }
    await this.points.requireVisiblePoint(actor, batch.pointId, em).catch((err) => {
      throw err instanceof NotFoundError ? batchNotFound() : err;
    });
    return batch;
  }

  /**
   * Records a client request id for this batch inside the caller's transaction (the batch row is
   * already locked, so requests on one batch are serialized). 'replay' when the same request was
   * applied before; 409 REQUEST_ID_REUSED when the id came with another body or another batch.
   */
  async claimRequest(em: EntityManager, batchId: string, requestId: string, kind: string, body: unknown): Promise<'new' | 'replay'> {
    const hash = canonicalHash(body);
    const existing = await em.getRepository(BatchRequestEntity).findOneBy({ requestId });
    if (existing) {
      if (existing.batchId === batchId && existing.kind === kind && existing.requestHash === hash) return 'replay';
      throw requestIdReused();
    }
    try {
      await em.getRepository(BatchRequestEntity).insert({ requestId, batchId, kind, requestHash: hash });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw requestIdReused();
      throw err;
    }
    return 'new';
  }

  private async lock(em: EntityManager, actor: Principal, id: string): Promise<BatchEntity> {
    const batch = await em.getRepository(BatchEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!batch || batch.companyId !== actor.companyId) throw batchNotFound();
    return batch;
  }
}

const requestIdReused = () => new ConflictError('REQUEST_ID_REUSED', '该请求编号已用于另一请求', 'This requestId was already used for a different request',
  [{ field: 'requestId', message: '已被另一请求使用', messageEn: 'already used for a different request' }]);
