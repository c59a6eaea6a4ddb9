import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../outbox/outbox.service';
import { PrincipalLoader } from '../auth/principal-loader.service';
import { TokenService } from '../auth/token.service';
import { hashPassword } from '../auth/password';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { isDuplicateKeyError } from '../database/transaction';
import { CommercePointEntity } from '../organization/commerce-point.entity';
import { RegionEntity } from '../organization/region.entity';
import { WarehouseEntity } from '../organization/warehouse.entity';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { StaffUserEntity } from './staff-user.entity';
import { UserPointAssignmentEntity } from './user-point-assignment.entity';
import { UserWarehouseAssignmentEntity } from './user-warehouse-assignment.entity';

type Assignments = { pointIds: string[]; warehouseIds: string[]; regionId: string | null };

/** Staff accounts and their assignments; admins manage them within their own company. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tokens: TokenService,
    private readonly outbox: OutboxService,
    private readonly principals: PrincipalLoader,
  ) {}

  async create(actor: Principal, dto: CreateUserDto): Promise<UserDto> {
    const passwordHash = await hashPassword(dto.password);
    return this.dataSource.transaction(async (em) => {
      const assignments = await this.checkAssignments(em, actor.companyId, dto.role, {
        pointIds: dto.pointIds ?? [], warehouseIds: dto.warehouseIds ?? [], regionId: dto.regionId ?? null,
      });
      let id: string;
      try {
        const result = await em.getRepository(StaffUserEntity).insert({
          companyId: actor.companyId, username: dto.username, displayName: dto.displayName, phone: dto.phone ?? null,
          passwordHash, role: dto.role, regionId: assignments.regionId, active: true,
        });
        id = String(result.identifiers[0].id);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new ConflictError('USERNAME_TAKEN', '用户名已存在', 'Username already exists', [{ field: 'username', message: '已存在', messageEn: 'already exists' }]);
        }
        throw err;
      }
      await this.replaceAssignments(em, id, assignments);
      const created = await this.load(em, actor.companyId, id);
      await this.audit.record(em, actor, { entityType: 'staff_user', entityId: id, action: 'create', after: { ...created, passwordHash: 'set' } });
      return created;
    });
  }

  /** Disabling a user (active=false) also revokes every refresh token they hold. */
  async update(actor: Principal, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    try {
      return await this.updateInTransaction(actor, id, dto, passwordHash);
    } finally {
      // After the commit: the next request of this user loads the new state (see PrincipalLoader).
      this.principals.invalidate('staff', id);
    }
  }

  private updateInTransaction(actor: Principal, id: string, dto: UpdateUserDto, passwordHash: string | undefined): Promise<UserDto> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(StaffUserEntity);
      const user = await repo.findOne({ where: { id, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('用户', 'User', 'USER_NOT_FOUND');
      const before = await this.load(em, actor.companyId, id);
      if (dto.active === false && id === actor.id) {
        throw new RuleViolationError('CANNOT_DISABLE_SELF', '不能停用自己的账号', 'You cannot disable your own account');
      }
      const assignments = await this.checkAssignments(em, actor.companyId, user.role, {
        pointIds: dto.pointIds ?? before.pointIds,
        warehouseIds: dto.warehouseIds ?? before.warehouseIds,
        regionId: dto.regionId ?? before.regionId,
      });
      await repo.update({ id }, {
        displayName: dto.displayName, phone: dto.phone, active: dto.active, regionId: assignments.regionId,
        ...(passwordHash ? { passwordHash } : {}),
      });
      await this.replaceAssignments(em, id, assignments);
      if (dto.active === false || passwordHash) await this.tokens.revokeAllFor('staff', id, em);
      if (dto.active === false && before.active) {
        await this.outbox.publish(em, { eventType: 'staff_user.disabled', aggregateType: 'staff_user', aggregateId: id, payload: { userId: id, companyId: actor.companyId } });
      }
      const after = await this.load(em, actor.companyId, id);
      await this.audit.record(em, actor, {
        entityType: 'staff_user', entityId: id, action: dto.active === false ? 'disable' : 'update',
        before, after: passwordHash ? { ...after, passwordHash: 'changed' } : after,
      });
      return after;
    });
  }

  list(actor: Principal, query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const qb = this.dataSource.getRepository(StaffUserEntity).createQueryBuilder('u')
      .where('u.company_id = :companyId', { companyId: actor.companyId });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.pointId) {
      qb.andWhere('u.id IN (SELECT a.user_id FROM user_point_assignment a WHERE a.point_id = :pointId)', { pointId: query.pointId });
    }
    return paginate(qb, 'u.id', query, (u) => u).then(async (page) => ({
      items: await this.withAssignments(this.dataSource.manager, page.items),
      nextCursor: page.nextCursor,
    }));
  }

  async get(actor: Principal, id: string): Promise<UserDto> {
    return this.load(this.dataSource.manager, actor.companyId, id);
  }

  private async load(em: EntityManager, companyId: string, id: string): Promise<UserDto> {
    const user = await em.getRepository(StaffUserEntity).findOneBy({ id, companyId });
    if (!user) throw new NotFoundError('用户', 'User', 'USER_NOT_FOUND');
    return (await this.withAssignments(em, [user]))[0];
  }

  /** Two queries for a whole page of users, not two per user. */
  private async withAssignments(em: EntityManager, users: StaffUserEntity[]): Promise<UserDto[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [points, warehouses] = await Promise.all([
      em.getRepository(UserPointAssignmentEntity).findBy({ userId: In(ids) }),
      em.getRepository(UserWarehouseAssignmentEntity).findBy({ userId: In(ids) }),
    ]);
    return users.map((u) => ({
      id: u.id, username: u.username, displayName: u.displayName, phone: u.phone, role: u.role, regionId: u.regionId,
      pointIds: points.filter((p) => p.userId === u.id).map((p) => p.pointId),
      warehouseIds: warehouses.filter((w) => w.userId === u.id).map((w) => w.warehouseId),
      active: u.active, createdAt: u.createdAt,
    }));
  }

  /** Agents need points, warehouse staff warehouses, region managers a region; all of this company. */
  private async checkAssignments(em: EntityManager, companyId: string, role: Role, a: Assignments): Promise<Assignments> {
    const fail = (field: string, zh: string, en: string) =>
      new RuleViolationError('USER_ASSIGNMENT_INVALID', `${field}: ${zh}`, `${field}: ${en}`, [{ field, message: zh, messageEn: en }]);
    const pointIds = role === Role.AGENT ? [...new Set(a.pointIds)] : [];
    const warehouseIds = role === Role.WAREHOUSE_STAFF ? [...new Set(a.warehouseIds)] : [];
    const regionId = role === Role.REGION_MANAGER ? a.regionId : null;
    if (role === Role.AGENT && pointIds.length === 0) throw fail('pointIds', '代办员至少需要一个服务点', 'an agent needs at least one point');
    if (role === Role.WAREHOUSE_STAFF && warehouseIds.length === 0) throw fail('warehouseIds', '仓库员工至少需要一个仓库', 'warehouse staff need at least one warehouse');
    if (role === Role.REGION_MANAGER && !regionId) throw fail('regionId', '区域经理需要管辖区划', 'a region manager needs a region');
    if (pointIds.length && (await em.getRepository(CommercePointEntity).countBy({ id: In(pointIds), companyId })) !== pointIds.length) {
      throw fail('pointIds', '服务点不存在', 'unknown commerce point');
    }
    if (warehouseIds.length && (await em.getRepository(WarehouseEntity).countBy({ id: In(warehouseIds), companyId })) !== warehouseIds.length) {
      throw fail('warehouseIds', '仓库不存在', 'unknown warehouse');
    }
    if (regionId && !(await em.getRepository(RegionEntity).existsBy({ id: regionId }))) throw fail('regionId', '区划不存在', 'unknown region');
    return { pointIds, warehouseIds, regionId };
  }

  private async replaceAssignments(em: EntityManager, userId: string, a: Assignments): Promise<void> {
    await em.getRepository(UserPointAssignmentEntity).delete({ userId });
    await em.getRepository(UserWarehouseAssignmentEntity).delete({ userId });
    if (a.pointIds.length) await em.getRepository(UserPointAssignmentEntity).insert(a.pointIds.map((pointId) => ({ userId, pointId })));
    if (a.warehouseIds.length) await em.getRepository(UserWarehouseAssignmentEntity).insert(a.warehouseIds.map((warehouseId) => ({ userId, warehouseId })));
  }
}
