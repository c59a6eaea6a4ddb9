import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/access/principal';
import { UnauthorizedError } from '../common/errors/domain-error';
import { StaffUserEntity } from '../users/staff-user.entity';
import { TokenPairDto } from './dto/token-pair.dto';
import { verifyPassword } from './password';
import { PrincipalLoader } from './principal-loader.service';
import { TokenService } from './token.service';

// Verifying against a real hash even for unknown users keeps response times alike, so login
// timing does not reveal which usernames exist.
const DUMMY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$POlfMBekrt9IpcO5i5lwcw$2RBmbaqKVw8YHoV2HNNzEbrysDvkItmvIot01jq/7RM';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly principals: PrincipalLoader,
  ) {}

  /** Password login for staff. Wrong username, wrong password and disabled account answer alike. */
  async loginStaff(username: string, password: string): Promise<TokenPairDto> {
    const user = await this.dataSource
      .getRepository(StaffUserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !ok || !user.active) {
      this.logger.warn({ username: username.slice(0, 64) }, 'staff login refused');
      throw new UnauthorizedError('LOGIN_FAILED', '用户名或密码错误，或账号已停用', 'Wrong username or password, or account disabled');
    }
    return this.tokens.issue({ kind: 'staff', id: user.id, role: user.role, companyId: user.companyId });
  }

  refresh(refreshToken: string): Promise<TokenPairDto> {
    // A new token pair is issued from the database's state, never from the request cache.
    return this.tokens.rotate(refreshToken, (kind, id) => this.principals.loadFresh(kind, id));
  }

  async logout(refreshToken: string): Promise<void> {
    const owner = await this.tokens.revokeFamilyOf(refreshToken);
    if (owner) this.principals.invalidate(owner.kind, owner.id);
  }

  me(principal: Principal) {
    const { id, kind, role, companyId, pointIds, warehouseIds } = principal;
    // A region manager's region is the last id of the path ('/1/7/' → '7'): the web app's dashboard scope.
    const regionId = principal.regionPath?.split('/').filter(Boolean).at(-1) ?? null;
    return { id, kind, role, companyId, pointIds, warehouseIds, regionId };
  }
}
