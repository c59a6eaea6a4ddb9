import { Column, Entity, Index } from 'typeorm';
import { FenColumn, IdColumn, RefColumn } from '../database/columns';
import { SettlementMode } from '../catalog/product.entity';

/**
 * Accepted quantity of one grade at a QC, with the locked price (the grade's farmer price in force
 * at capture time). Its id is the ledger's source key for purchase-mode money owed.
 */
@Entity('quality_check_grade')
@Index('idx_quality_check_grade_check', ['qualityCheckId'])
@Index('idx_quality_check_grade_line', ['lineId'])
export class QualityCheckGradeEntity {
  @IdColumn() id: string;

  @RefColumn() qualityCheckId: string;

  @RefColumn() lineId: string;

  @Column({ length: 16 }) gradeCode: string;

  @Column({ type: 'int', unsigned: true }) quantityBase: number;

  @FenColumn() priceFen: number;

  @Column({ type: 'int', unsigned: true }) priceUnitSizeBase: number;

  @FenColumn() amountFen: number;

  @Column({ type: 'varchar', length: 16 }) settlementMode: SettlementMode;
}
