import { Check, Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

export enum DemandOrderStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

export enum DemandPledgeStatus {
  ACTIVE = 'ACTIVE',
  CANCELLED = 'CANCELLED',
}

/**
 * A buyer's demand order (订单农业): a quantity of a product by a date at a price, published to points.
 * `requestHash` is the hash of the canonical create body (same client id with another body is refused).
 */
@Entity('demand_order')
@Index('uq_demand_order_client', ['clientId'], { unique: true })
@Index('idx_demand_order_company', ['companyId', 'id'])
@Index('idx_demand_order_company_status', ['companyId', 'status', 'id'])
@Check('chk_demand_order_pledged', '`pledged_base` <= `quantity_base`')
export class DemandOrderEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ type: 'char', length: 64 }) requestHash: string;

  @Column({ length: 64 }) buyerName: string;

  @RefColumn() productId: string;

  /** The quantity as typed, in `unitName` (`unitSizeBase` base units each). */
  @Column({ length: 16 }) quantityText: string;

  @Column({ length: 8 }) unitName: string;

  @Column({ type: 'int', unsigned: true }) unitSizeBase: number;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  /** Pledged so far (kept with a conditional UPDATE: pledges never exceed the order). */
  @Column({ type: 'int', unsigned: true, default: 0 }) pledgedBase: number;

  /** Farmer price in fen per `priceUnitName` (= `priceUnitSizeBase` base units). */
  @FenColumn() priceFen: number;

  @Column({ length: 8 }) priceUnitName: string;

  @Column({ type: 'int', unsigned: true }) priceUnitSizeBase: number;

  /** Asia/Shanghai day by which the goods are due, 'YYYY-MM-DD'. */
  @Column({ type: 'date' }) dueDate: string;

  @Column({ type: 'varchar', length: 16 }) status: DemandOrderStatus;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;

  @DateTimeColumn({ nullable: true, default: null }) closedAt: Date | null;

  @RefColumn({ nullable: true, default: null }) closedBy: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) closeReason: string | null;
}

/** The commerce points an order is published to. */
@Entity('demand_order_point')
@Index('uq_demand_order_point', ['orderId', 'pointId'], { unique: true })
@Index('idx_demand_order_point_point', ['pointId', 'orderId'])
export class DemandOrderPointEntity {
  @IdColumn() id: string;

  @RefColumn() orderId: string;

  @RefColumn() pointId: string;
}

/**
 * A farmer's pledge (认购) of a quantity against an order at a point. Made by staff (`createdByKind`
 * 'staff', `createdBy` the user) or by the farmer in the app ('farmer', the farmer's id).
 */
@Entity('demand_pledge')
@Index('uq_demand_pledge_client', ['clientId'], { unique: true })
@Index('idx_demand_pledge_order_point_farmer', ['orderId', 'pointId', 'farmerId'])
@Index('idx_demand_pledge_farmer', ['farmerId', 'id'])
@Index('idx_demand_pledge_point', ['pointId', 'id'])
export class DemandPledgeEntity {
  @IdColumn() id: string;

  @RefColumn() orderId: string;

  @RefColumn() pointId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ type: 'char', length: 64 }) requestHash: string;

  @Column({ length: 16 }) quantityText: string;

  @Column({ length: 8 }) unitName: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @Column({ type: 'varchar', length: 16, default: DemandPledgeStatus.ACTIVE }) status: DemandPledgeStatus;

  @RefColumn() createdBy: string;

  @Column({ type: 'varchar', length: 8, default: 'staff' }) createdByKind: 'staff' | 'farmer';

  @CreatedAtColumn() createdAt: Date;

  @DateTimeColumn({ nullable: true, default: null }) cancelledAt: Date | null;

  @RefColumn({ nullable: true, default: null }) cancelledBy: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) cancelReason: string | null;
}

/** Intake referencing a pledge: a consignment line delivered against it. */
@Entity('demand_pledge_delivery')
@Index('uq_demand_pledge_delivery_line', ['consignmentLineId'], { unique: true })
@Index('idx_demand_pledge_delivery_pledge', ['pledgeId'])
export class DemandPledgeDeliveryEntity {
  @IdColumn() id: string;

  @RefColumn() pledgeId: string;

  @RefColumn() consignmentLineId: string;

  @CreatedAtColumn() createdAt: Date;
}
