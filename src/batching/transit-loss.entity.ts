import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';
import { LossBearer, LossCause } from './batch-status';

/** The difference between manifest and goods received in good order, with its cause and who bears it. */
@Entity('transit_loss')
@Index('idx_transit_loss_batch', ['batchId'])
@Index('idx_transit_loss_line', ['consignmentLineId'])
@Index('idx_transit_loss_created', ['createdAt'])
export class TransitLossEntity {
  @IdColumn() id: string;

  @RefColumn() batchId: string;

  @RefColumn() batchItemId: string;

  @RefColumn() receiptId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @RefColumn() productId: string;

  @Column({ type: 'varchar', length: 16 }) cause: LossCause;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @Column({ type: 'varchar', length: 16 }) bearer: LossBearer;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @CreatedAtColumn() createdAt: Date;
}
