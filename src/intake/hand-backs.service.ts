import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { inTransaction, isDuplicateKeyError } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { ConsignmentLineEntity } from './consignment-line.entity';
import { ConsignmentsService, INTAKE_EVENTS } from './consignments.service';
import { HandBackDto, HandBackResultDto } from './dto/hand-back.dto';
import { GoodsHandBackEntity } from './goods-hand-back.entity';
import { assertNotVoided } from './intake-status';
import { LineBatchingService } from './line-batching.service';

/**
 * Consignment-mode goods still at the point given back to their farmer (after the unsold-goods job's
 * NOTIFY_RETURN notice, or when the farmer asks): recorded once per client UUID, never edited; the units
 * leave the line's batchable remainder; nothing is posted (consignment goods earn only when sold).
 */
@Injectable()
export class HandBacksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consignments: ConsignmentsService,
    private readonly lines: LineBatchingService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async handBack(actor: Principal, consignmentId: string, lineNo: number, dto: HandBackDto): Promise<{ created: boolean; handBack: HandBackResultDto }> {
    const earlier = await this.findByClientId(this.dataSource.manager, dto.clientId);
    if (earlier) return { created: false, handBack: this.sameRequest(earlier, consignmentId, lineNo) };
    try {
      return { created: true, handBack: await inTransaction(this.dataSource, (em) => this.record(em, actor, consignmentId, lineNo, dto)) };
    } catch (err) {
      const winner = isDuplicateKeyError(err) ? await this.findByClientId(this.dataSource.manager, dto.clientId) : null;
      if (winner) return { created: false, handBack: this.sameRequest(winner, consignmentId, lineNo) };
      throw err;
    }
  }

  private async record(em: EntityManager, actor: Principal, consignmentId: string, lineNo: number, dto: HandBackDto): Promise<HandBackResultDto> {
    const c = await this.consignments.lockForAction(em, actor, consignmentId);
    assertNotVoided(c.status);
    const line = await em.getRepository(ConsignmentLineEntity).findOne({ where: { consignmentId, lineNo } });
    if (!line) throw new NotFoundError('交售行', 'Consignment line', 'LINE_NOT_FOUND');
    const given = await this.lines.handBack(em, line.id, dto.quantityBase, `lines.${lineNo}`);
    const row = await em.getRepository(GoodsHandBackEntity).save(em.getRepository(GoodsHandBackEntity).create({
      companyId: c.companyId, pointId: c.pointId, consignmentId, consignmentLineId: line.id, lineNo, farmerId: c.farmerId,
      clientId: dto.clientId, quantityBase: given.quantityBase, note: dto.note ?? null, createdBy: actor.id,
    }));
    await this.audit.record(em, actor, {
      entityType: 'consignment', entityId: consignmentId, action: 'hand_back',
      before: { handedBackQuantityBase: line.handedBackQuantityBase }, after: { lineNo, handedBackQuantityBase: line.handedBackQuantityBase + given.quantityBase },
      reason: dto.note,
    });
    await this.outbox.publish(em, {
      eventType: INTAKE_EVENTS.GOODS_HANDED_BACK, aggregateType: 'consignment', aggregateId: consignmentId,
      payload: {
        handBackId: row.id, companyId: c.companyId, pointId: c.pointId, farmerId: c.farmerId, consignmentId, consignmentLineId: line.id,
        receiptNo: c.receiptNo, productId: line.productId, quantityBase: given.quantityBase,
      },
    });
    return toView(row);
  }

  private findByClientId(em: EntityManager, clientId: string) {
    return em.getRepository(GoodsHandBackEntity).findOne({ where: { clientId } });
  }

  /** A resent request answers with its record; the same client id for another line is a client error. */
  private sameRequest(row: GoodsHandBackEntity, consignmentId: string, lineNo: number): HandBackResultDto {
    if (row.consignmentId !== consignmentId || row.lineNo !== lineNo) {
      throw new RuleViolationError('CLIENT_ID_REUSED', 'clientId 已用于另一次退还', 'clientId was used for another hand-back');
    }
    return toView(row);
  }
}

function toView(r: GoodsHandBackEntity): HandBackResultDto {
  return {
    id: r.id, consignmentId: r.consignmentId, consignmentLineId: r.consignmentLineId, lineNo: r.lineNo, farmerId: r.farmerId,
    quantityBase: r.quantityBase, note: r.note, createdBy: r.createdBy, createdAt: r.createdAt,
  };
}
