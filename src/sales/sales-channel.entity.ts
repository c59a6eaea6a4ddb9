import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../database/columns';

export enum ChannelKind {
  STORE = 'STORE',
  ONLINE = 'ONLINE',
  LIVESTREAM = 'LIVESTREAM',
}

/**
 * A sales channel (销售渠道): an offline store (门店), an online platform shop (platform + shop) or a
 * live-stream account. Every channel sells from one warehouse's stock.
 */
@Entity('sales_channel')
@Index('uq_sales_channel_name', ['companyId', 'name'], { unique: true })
export class SalesChannelEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @Column({ type: 'varchar', length: 16 }) kind: ChannelKind;

  @Column({ length: 64 }) name: string;

  /** Online / live stream: 抖音, 淘宝, 拼多多, 快手 … */
  @Column({ type: 'varchar', length: 32, nullable: true, default: null }) platform: string | null;

  /** Online: the shop on the platform. */
  @Column({ type: 'varchar', length: 64, nullable: true, default: null }) shop: string | null;

  @RefColumn() warehouseId: string;

  @Column({ default: true }) active: boolean;

  @CreatedAtColumn() createdAt: Date;
}

/** A live-stream show (直播场次) on a LIVESTREAM channel: host, times and the host's commission on revenue. */
@Entity('livestream_show')
@Index('idx_livestream_show_channel', ['channelId', 'startsAt'])
export class LivestreamShowEntity {
  @IdColumn() id: string;

  @RefColumn() companyId: string;

  @RefColumn() channelId: string;

  @Column({ length: 64 }) hostName: string;

  @Column({ length: 32 }) platform: string;

  @DateTimeColumn() startsAt: Date;

  @DateTimeColumn() endsAt: Date;

  /** Host commission in basis points of revenue, kept apart from the farmers' share. */
  @Column({ type: 'int', unsigned: true }) hostCommissionBasisPoints: number;

  @CreatedAtColumn() createdAt: Date;
}
