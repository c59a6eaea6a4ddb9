import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, FenColumn, IdColumn, RefColumn } from '../database/columns';

export enum ChargebackKind {
  /** 坛子菜 spoiled under an intact seal, and the like: found at the warehouse, the farmer's risk. */
  LATENT_DEFECT = 'LATENT_DEFECT',
  /** Transit loss charged to the farmer because the policy says so (WAREHOUSE_TRANSIT_LOSS_BEARER=FARMER). */
  TRANSIT_LOSS = 'TRANSIT_LOSS',
}

/**
 * A quantity of a farmer's consignment line charged back to the farmer, at the line's locked
 * accepted price. Published as `warehouse.chargeback_recorded`; the ledger turns it into a deduction.
 */
@Entity('chargeback')
@Index('uq_chargeback_request', ['requestId'], { unique: true })
@Index('idx_chargeback_batch', ['batchId'])
@Index('idx_chargeback_line', ['consignmentLineId'])
@Index('idx_chargeback_farmer', ['farmerId'])
export class ChargebackEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  /** The client's request id (manual chargebacks); null for those made by the loss policy. */
  @Column({ type: 'char', length: 36, nullable: true, default: null }) requestId: string | null;

  @RefColumn() batchId: string;

  @RefColumn() batchItemId: string;

  @RefColumn() consignmentLineId: string;

  @RefColumn() farmerId: string;

  @RefColumn() productId: string;

  @Column({ type: 'varchar', length: 16 }) kind: ChargebackKind;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @FenColumn() amountFen: number;

  @Column({ length: 255 }) reason: string;

  @Column({ type: 'varchar', length: 1000, nullable: true, default: null }) evidenceNote: string | null;

  /** Photo references (storage keys or URLs) of the evidence. */
  @Column({ type: 'json' }) evidencePhotos: string[];

  @RefColumn() recordedBy: string;

  @CreatedAtColumn() createdAt: Date;
}
