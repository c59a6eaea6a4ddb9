import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last receipt sequence per point and business day; incremented in the consignment's transaction. */
@Entity('receipt_counter')
export class ReceiptCounterEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) pointId: string;

  @PrimaryColumn({ type: 'char', length: 10 }) businessDay: string;

  @Column({ type: 'int', unsigned: true }) lastSeq: number;
}
