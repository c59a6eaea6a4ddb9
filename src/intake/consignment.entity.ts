import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, FenColumn, IdColumn, RefColumn, UpdatedAtColumn } from '../database/columns';
import { ConsignmentStatus } from './intake-status';

/**
 * A consignment (交售单): goods a farmer hands over at a point, one or more lines. `clientId` is the
 * device's UUID (unique: a retry finds the original), `requestHash` the hash of the canonical body
 * (same id with another body is refused). `capturedAt` is the device's time, `receivedAt` the server's.
 */
@Entity('consignment')
@Index('uq_consignment_client_id', ['clientId'], { unique: true })
@Index('uq_consignment_point_receipt', ['pointId', 'receiptNo'], { unique: true })
@Index('idx_consignment_point_captured', ['pointId', 'capturedAt'])
@Index('idx_consignment_point_status', ['pointId', 'status', 'capturedAt'])
@Index('idx_consignment_farmer_captured', ['farmerId', 'capturedAt'])
@Index('idx_consignment_company_captured', ['companyId', 'capturedAt'])
@Index('idx_consignment_company_id', ['companyId', 'id'])
@Index('idx_consignment_point_id', ['pointId', 'id'])
export class ConsignmentEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() pointId: string;

  @RefColumn() farmerId: string;

  @Column({ type: 'char', length: 36 }) clientId: string;

  @Column({ type: 'char', length: 64 }) requestHash: string;

  /** `<POINTCODE>-<YYYYMMDD>-<seq>`, unique per point and business day of capture. */
  @Column({ length: 32 }) receiptNo: string;

  /** Asia/Shanghai day of `capturedAt`, 'YYYY-MM-DD'. */
  @Column({ type: 'char', length: 10 }) businessDay: string;

  @DateTimeColumn() capturedAt: Date;

  @DateTimeColumn() receivedAt: Date;

  @Column({ type: 'varchar', length: 16 }) status: ConsignmentStatus;

  @Column({ type: 'smallint', unsigned: true }) lineCount: number;

  /** Sum of the lines at the declared grades' prices; what is owed is decided at QC. */
  @FenColumn() estimatedAmountFen: number;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) note: string | null;

  @RefColumn() createdBy: string;

  @DateTimeColumn({ nullable: true, default: null }) voidedAt: Date | null;

  @RefColumn({ nullable: true, default: null }) voidedBy: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true, default: null }) voidReason: string | null;

  @CreatedAtColumn() createdAt: Date;
  @UpdatedAtColumn() updatedAt: Date;
}
