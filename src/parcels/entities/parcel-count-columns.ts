import { Column } from 'typeorm';

/** The counters shared by the point-daily and the regional tables. */
export abstract class ParcelCountColumns {
  @Column({ type: 'int', unsigned: true, default: 0 }) received: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) collected: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) returned: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) sent: number;
  /** Sum of arrival-to-pickup seconds of the parcels collected (for averages). */
  @Column({ type: 'bigint', unsigned: true, default: 0 }) pickupWaitSeconds: string;
}
