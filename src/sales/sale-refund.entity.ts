import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

export enum RefundDisposition {
  /** returned packs go back on the lot's stock (and can be sold again) */
  RESTOCK = 'RESTOCK',
  /** returned packs are written off */
  LOSS = 'LOSS',
}

/** A refund or return of packs of one sale line; reverses exactly their share of what the sale posted. */
@Entity('sale_refund')
@Index('uq_sale_refund_client', ['clientId'], { unique: true })
@Index('idx_sale_refund_line', ['saleLineId'])
@Index('idx_sale_refund_company_created', ['companyId', 'createdAt'])
export class SaleRefundEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() saleLineId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ type: 'int', unsigned: true }) packs: number;

  @Column({ type: 'varchar', length: 16 }) disposition: RefundDisposition;

  @Column({ length: 255 }) reason: string;

  @FenColumn() revenueFen: number;

  @FenColumn() farmerFen: number;

  @FenColumn() commissionFen: number;

  @FenColumn() hostCommissionFen: number;

  @FenColumn() marginFen: number;

  @RefColumn({ nullable: true, default: null }) createdBy: string | null;

  @CreatedAtColumn() createdAt: Date;
}

/** The refunded part of one allocation. */
@Entity('refund_allocation')
@Index('idx_refund_allocation_refund', ['refundId'])
@Index('idx_refund_allocation_allocation', ['allocationId'])
export class RefundAllocationEntity {
  @IdColumn() id: string;

  @RefColumn() refundId: string;

  @RefColumn() allocationId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @FenColumn() farmerAmountFen: number;

  @FenColumn() agentCommissionFen: number;

  @FenColumn() collectiveShareFen: number;
}
