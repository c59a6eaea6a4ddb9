import { Role } from '../common/access/role.enum';

/** What an access token carries. `sub` is `s:<staffId>` or `f:<farmerId>`. */
export type AccessTokenClaims = { sub: string; role: Role; cid: string; typ: 'access' };

export function subjectOf(kind: 'staff' | 'farmer', id: string): string {
  return `${kind === 'staff' ? 's' : 'f'}:${id}`;
}

export function parseSubject(sub: string): { kind: 'staff' | 'farmer'; id: string } | null {
  const m = /^([sf]):(\d{1,20})$/.exec(sub);
  if (!m) return null;
  return { kind: m[1] === 's' ? 'staff' : 'farmer', id: m[2] };
}
