import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';

/** Warehouse staff work at one or more warehouses. */
@Entity('user_warehouse_assignment')
@Index('idx_user_warehouse_assignment_warehouse', ['warehouseId'])
export class UserWarehouseAssignmentEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) userId: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) warehouseId: string;
  @CreatedAtColumn() createdAt: Date;
}
