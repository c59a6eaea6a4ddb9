import { Column, Entity, Index } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, IdColumn, RefColumn } from '../database/columns';

/**
 * Rotating refresh tokens. Only a SHA-256 of the token is stored. Each refresh replaces the token
 * with a new one in the same family; presenting a replaced token again means it leaked, so the
 * whole family is revoked.
 */
@Entity('refresh_token')
@Index('idx_refresh_token_principal', ['principalKind', 'principalId'])
@Index('idx_refresh_token_family', ['familyId'])
export class RefreshTokenEntity {
  @IdColumn() id: string;

  @Index('uq_refresh_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 }) tokenHash: string;

  @Column({ type: 'char', length: 36 }) familyId: string;

  /** 'staff' or 'farmer' */
  @Column({ type: 'varchar', length: 8 }) principalKind: 'staff' | 'farmer';

  @RefColumn() principalId: string;

  @DateTimeColumn() expiresAt: Date;

  @DateTimeColumn({ nullable: true, default: null }) revokedAt: Date | null;

  @RefColumn({ nullable: true, default: null }) replacedById: string | null;

  @CreatedAtColumn() createdAt: Date;
}
