import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '../database/columns';

/** An agent works at one or more commerce points. */
@Entity('user_point_assignment')
@Index('idx_user_point_assignment_point', ['pointId'])
export class UserPointAssignmentEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) userId: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) pointId: string;
  @CreatedAtColumn() createdAt: Date;
}
