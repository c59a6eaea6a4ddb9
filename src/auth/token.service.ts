import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Principal } from '../common/access/principal';
import { UnauthorizedError } from '../common/errors/domain-error';
import { AuthConfig } from '../config';
import { inTransaction } from '../database/transaction';
import { RefreshTokenEntity } from './refresh-token.entity';
import { AccessTokenClaims, subjectOf } from './token-claims';
import { TokenPairDto } from './dto/token-pair.dto';

/** Bounds the memory of verified access tokens; past it the oldest go first. */
const MAX_VERIFIED_TOKENS = 10_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Issues short-lived access tokens and rotating refresh tokens, for staff and (later) farmers. */
@Injectable()
export class TokenService {
  private readonly verified = new Map<string, { claims: AccessTokenClaims; exp: number }>();

  constructor(
    private readonly jwt: JwtService,
    private readonly config: ConfigService,
    private readonly dataSource: DataSource,
  ) {}

  private get auth(): AuthConfig {
    return this.config.getOrThrow<AuthConfig>('auth');
  }

  async issue(principal: Pick<Principal, 'kind' | 'id' | 'role' | 'companyId'>, em?: EntityManager, familyId: string = randomUUID()): Promise<TokenPairDto> {
    const claims: AccessTokenClaims = { sub: subjectOf(principal.kind, principal.id), role: principal.role, cid: principal.companyId, typ: 'access' };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.auth.accessTokenTtlSeconds });
    const refreshToken = randomBytes(32).toString('base64url');
    await (em ?? this.dataSource.manager).getRepository(RefreshTokenEntity).insert({
      tokenHash: sha256(refreshToken),
      familyId,
      principalKind: principal.kind,
      principalId: principal.id,
      expiresAt: new Date(Date.now() + this.auth.refreshTokenTtlSeconds * 1000),
      revokedAt: null,
      replacedById: null,
    });
    return { accessToken, expiresIn: this.auth.accessTokenTtlSeconds, refreshToken, tokenType: 'Bearer' };
  }

  /**
   * Exchanges a refresh token for a new pair. The old token row is locked so two concurrent
   * refreshes cannot both succeed; a token already rotated or revoked revokes its whole family.
   */
  async rotate(refreshToken: string, loadPrincipal: (kind: 'staff' | 'farmer', id: string) => Promise<Principal | null>): Promise<TokenPairDto> {
    const invalid = () => new UnauthorizedError('REFRESH_TOKEN_INVALID', '登录凭证无效或已失效，请重新登录', 'Refresh token invalid or revoked');
    // Two concurrent refreshes of one token can deadlock in InnoDB; the retry then sees the token
    // already replaced and answers 401, as the rotation rule requires.
    const outcome = await inTransaction(this.dataSource, async (em) => {
      const repo = em.getRepository(RefreshTokenEntity);
      const row = await repo.findOne({ where: { tokenHash: sha256(refreshToken) }, lock: { mode: 'pessimistic_write' } });
      if (!row) return { error: invalid() };
      if (row.revokedAt || row.replacedById) {
        await repo.update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
        return { error: invalid() };
      }
      if (row.expiresAt.getTime() <= Date.now()) return { error: invalid() };
      const principal = await loadPrincipal(row.principalKind, row.principalId);
      if (!principal) return { error: invalid() };
      const pair = await this.issue(principal, em, row.familyId);
      const next = await repo.findOneByOrFail({ tokenHash: sha256(pair.refreshToken) });
      await repo.update({ id: row.id }, { replacedById: next.id });
      return { pair };
    });
    // The family revocation above must commit even though the caller gets a 401.
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /** Logout: revokes the token's whole family (this device's session); answers whose it was. */
  async revokeFamilyOf(refreshToken: string): Promise<{ kind: 'staff' | 'farmer'; id: string } | null> {
    const row = await this.dataSource.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: sha256(refreshToken) });
    if (!row) return null;
    await this.dataSource.getRepository(RefreshTokenEntity).update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return { kind: row.principalKind, id: row.principalId };
  }

  /** Disabling a user revokes every refresh token they hold. */
  async revokeAllFor(kind: 'staff' | 'farmer', principalId: string, em: EntityManager): Promise<void> {
    await em.getRepository(RefreshTokenEntity).update({ principalKind: kind, principalId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /**
   * The claims of a valid access token, else null. A token that verified once is remembered until it
   * expires: the key is the whole token (signature included), so only that exact string hits, and the
   * expiry is checked on every hit as jsonwebtoken does. Saves the HMAC and decoding on every request.
   */
  async verifyAccess(token: string): Promise<AccessTokenClaims | null> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const hit = this.verified.get(token);
    if (hit) {
      if (nowSeconds < hit.exp) return { ...hit.claims };
      this.verified.delete(token);
      return null;
    }
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp?: number }>(token);
      if (claims.typ !== 'access') return null;
      if (typeof claims.exp === 'number') {
        this.verified.set(token, { claims: { ...claims }, exp: claims.exp });
        if (this.verified.size > MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
      }
      return claims;
    } catch {
      return null;
    }
  }
}
