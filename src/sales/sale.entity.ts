import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

/**
 * A sale (one order of a channel). Sent twice it is recorded once: unique client id (manual sales)
 * and unique (channel, external order id) (platform and live-stream orders).
 */
@Entity('sale')
@Index('uq_sale_client', ['clientId'], { unique: true })
@Index('uq_sale_external', ['channelId', 'externalOrderId'], { unique: true })
@Index('idx_sale_company_sold', ['companyId', 'soldAt'])
export class SaleEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() channelId: string;

  @RefColumn({ nullable: true, default: null }) showId: string | null;

  @RefColumn() warehouseId: string;

  @Column({ type: 'char', length: 36, nullable: true, default: null }) clientId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) externalOrderId: string | null;

  @RefColumn({ nullable: true, default: null }) importId: string | null;

  @DateTimeColumn() soldAt: Date;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) giveawayReason: string | null;

  @FenColumn() revenueFen: number;

  @RefColumn({ nullable: true, default: null }) createdBy: string | null;

  @CreatedAtColumn() createdAt: Date;
}

/**
 * One lot's packs of a sale (a requested line drawn FEFO from two lots becomes two sale lines), with
 * the money breakdown: revenue = farmer + commission + host commission + margin, always.
 */
@Entity('sale_line')
@Index('idx_sale_line_sale', ['saleId'])
@Index('idx_sale_line_lot', ['lotId'])
@Index('idx_sale_line_sku_sold', ['skuId', 'soldAt'])
export class SaleLineEntity {
  @IdColumn() id: string;

  @RefColumn() saleId: string;

  @RefColumn() companyId: string;

  @Column({ type: 'smallint', unsigned: true }) lineNo: number;

  @RefColumn() skuId: string;

  @RefColumn() productId: string;

  @RefColumn() lotId: string;

  @Column({ type: 'varchar', length: 16 }) channelKind: string;

  @Column({ type: 'int', unsigned: true }) packs: number;

  @Column({ type: 'int', unsigned: true }) unitsBase: number;

  @FenColumn() unitPriceFen: number;

  @FenColumn() revenueFen: number;

  @FenColumn() farmerFen: number;

  @FenColumn() commissionFen: number;

  @FenColumn() hostCommissionFen: number;

  @FenColumn() marginFen: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) refundedPacks: number;

  /** Units that came out of the company's own stock (unsold goods converted earlier): no farmer allocation, all margin. */
  @Column({ type: 'int', unsigned: true, default: 0 }) companyBase: number;

  /** Of `companyBase`, units refunded since. */
  @Column({ type: 'int', unsigned: true, default: 0 }) companyRefundedBase: number;

  @DateTimeColumn() soldAt: Date;
}

/**
 * Units of a sale line allocated to one consignment line (and farmer), with what they earned. The
 * source of the posting `sale-allocation:<id>`.
 */
@Entity('sale_allocation')
@Index('idx_sale_allocation_line', ['saleLineId'])
@Index('idx_sale_allocation_farmer', ['farmerId', 'id'])
@Index('idx_sale_allocation_consignment_line', ['consignmentLineId'])
export class SaleAllocationEntity {
  @IdColumn() id: string;

  @RefColumn() saleLineId: string;

  @RefColumn() lotId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'varchar', length: 16 }) settlementMode: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @FenColumn() revenueFen: number;

  @FenColumn() farmerAmountFen: number;

  @FenColumn() agentCommissionFen: number;

  @FenColumn() collectiveShareFen: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) refundedBase: number;
}

/**
 * Per lot and consignment line: what was contributed and, cumulatively, how much of it has been
 * allocated to sales (units and the farmer's fen). Successive sales allocate the difference of the
 * cumulative figures, so rounding never drifts. The row with consignment line `0` (farmer `0`) is
 * the company's own stock in the lot: units converted by the unsold-goods job are allocated to
 * their lines and contributed to this row, so later sales draw them as company stock.
 */
@Entity('lot_allocation')
@Index('idx_lot_allocation_line', ['consignmentLineId'])
export class LotAllocationEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) lotId: string;

  @PrimaryColumn({ type: 'bigint', unsigned: true }) consignmentLineId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'int', unsigned: true }) contributedBase: number;

  @Column({ type: 'int', unsigned: true, default: 0 }) allocatedBase: number;

  /** Cumulative farmer fen of snapshot-price (consignment) earnings for the allocated units. */
  @FenColumn({ default: 0 }) allocatedFen: number;
}
