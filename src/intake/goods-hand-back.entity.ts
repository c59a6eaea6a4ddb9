import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, IdColumn, RefColumn } from '../database/columns';

/** Consignment-mode goods still at the point, given back to their farmer: who, what, how much, when. Never edited. */
@Entity('goods_hand_back')
@Index('uq_goods_hand_back_client', ['clientId'], { unique: true })
@Index('idx_goods_hand_back_line', ['consignmentLineId'])
@Index('idx_goods_hand_back_point_time', ['pointId', 'createdAt'])
export class GoodsHandBackEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() pointId: string;

  @RefColumn() consignmentId: string;

  @RefColumn() consignmentLineId: string;

  @Column({ type: 'smallint', unsigned: true }) lineNo: number;

  @RefColumn() farmerId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @Column({ type: 'varchar', length: 200, nullable: true }) note: string | null;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
}
