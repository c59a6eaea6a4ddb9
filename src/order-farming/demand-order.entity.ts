import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

export enum DemandOrderStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

/** A buyer's demand order (订单农业): a quantity of a product by a date at a price, published to points. */
@Entity('demand_order')
@Index('uq_demand_order_client', ['clientId'], { unique: true })
@Index('idx_demand_order_company', ['companyId', 'id'])
export class DemandOrderEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ length: 64 }) buyerName: string;

  @RefColumn() productId: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  /** Pledged so far (kept with a conditional UPDATE: pledges never exceed the order). */
  @Column({ type: 'int', unsigned: true, default: 0 }) pledgedBase: number;

  /** Farmer price in fen per `priceUnitSizeBase` base units. */
  @FenColumn() priceFen: number;

  @Column({ type: 'int', unsigned: true }) priceUnitSizeBase: number;

  @Column({ type: 'date' }) dueDate: string;

  @Column({ type: 'varchar', length: 16 }) status: DemandOrderStatus;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
}

/** The commerce points an order is published to. */
@Entity('demand_order_point')
@Index('uq_demand_order_point', ['orderId', 'pointId'], { unique: true })
export class DemandOrderPointEntity {
  @IdColumn() id: string;

  @RefColumn() orderId: string;

  @RefColumn() pointId: string;
}

/** A farmer's pledge (认购) of a quantity against an order at a point. */
@Entity('demand_pledge')
@Index('uq_demand_pledge_client', ['clientId'], { unique: true })
@Index('idx_demand_pledge_order', ['orderId'])
export class DemandPledgeEntity {
  @IdColumn() id: string;

  @RefColumn() orderId: string;

  @RefColumn() pointId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @RefColumn() createdBy: string;

  @CreatedAtColumn() createdAt: Date;
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
