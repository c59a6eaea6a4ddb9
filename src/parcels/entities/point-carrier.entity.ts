import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAtColumn } from '../../database/columns';

/**
 * Whether a carrier serves a commerce point. No row means the carrier's own `active` flag decides;
 * a row switches it on or off at that one point.
 */
@Entity('point_carrier')
export class PointCarrierEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true }) pointId: string;
  @PrimaryColumn({ type: 'bigint', unsigned: true }) carrierId: string;

  @Column() active: boolean;

  @UpdatedAtColumn() updatedAt: Date;
}
