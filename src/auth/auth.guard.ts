import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, ROLES } from '../common/access/decorators';
import { Role, STAFF_ROLES } from '../common/access/role.enum';
import { ForbiddenError, UnauthorizedError } from '../common/errors/domain-error';
import { PrincipalLoader } from './principal-loader.service';
import { parseSubject } from './token-claims';
import { TokenService } from './token.service';

/**
 * Global guard: every route needs a valid access token unless marked @Public(); then @Roles()
 * (route or controller) limits who may call it; without it only staff may. A farmer token
 * therefore never passes a staff route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly principals: PrincipalLoader,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = context.switchToHttp().getRequest();
    const header: string | undefined = req.headers?.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const claims = token ? await this.tokens.verifyAccess(token) : null;
    const subject = claims ? parseSubject(claims.sub) : null;
    if (!subject) throw new UnauthorizedError('TOKEN_INVALID', '登录已过期或凭证无效，请重新登录', 'Access token missing, invalid or expired');
    const principal = await this.principals.load(subject.kind, subject.id);
    if (!principal) throw new UnauthorizedError('ACCOUNT_DISABLED', '账号不存在或已停用', 'Account not found or disabled');
    principal.requestId = req.id ? String(req.id) : undefined;
    req.principal = principal;

    // Routes without @Roles() are for staff; farmer routes say @Roles(Role.FARMER) explicitly.
    const roles: readonly Role[] = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? STAFF_ROLES;
    if (!roles.includes(principal.role)) throw new ForbiddenError();
    return true;
  }
}
