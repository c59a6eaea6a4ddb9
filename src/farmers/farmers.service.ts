import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { scopeByPoint } from '../common/access/scope';
import { FieldCipher, lastFour, maskAccount } from '../common/crypto/field-cipher';
import { ConflictError, InvalidFieldError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { maskPhone, MOBILE_PHONE } from '../common/validation';
import { isDuplicateKeyError } from '../database/transaction';
import { CommercePointsService } from '../organization/commerce-points.service';
import { RegionLevel } from '../organization/region-level.enum';
import { RegionsService } from '../organization/regions.service';
import { OutboxService } from '../outbox/outbox.service';
import { CreateFarmerDto } from './dto/create-farmer.dto';
import { FarmerDto } from './dto/farmer.dto';
import { ListFarmersQueryDto } from './dto/list-farmers-query.dto';
import { PayoutDto } from './dto/payout.dto';
import { UpdateFarmerDto } from './dto/update-farmer.dto';
import { FarmerPayoutGuard } from './farmer-payout-guard';
import { PayoutChangeCodeCheck } from './payout-change-code';
import { FarmerEntity, PayoutMethod } from './farmer.entity';
import { isValidIdNumber } from './id-number';

export const FARMER_CIPHER = Symbol('FARMER_CIPHER');

export const FARMER_EVENTS = { REGISTERED: 'farmer.registered', PAYOUT_CHANGED: 'farmer.payout_changed' } as const;

/** What other modules need to know about a farmer (intake, parcels, ledger). */
export type FarmerRef = {
  id: string;
  companyId: string;
  name: string;
  phone: string;
  usualPointId: string;
  villageRegionId: string;
  active: boolean;
  hardship: boolean;
  smsConsent: boolean;
  familyPhone: string | null;
};

const farmerNotFound = () => new NotFoundError('农户', 'Farmer', 'FARMER_NOT_FOUND');

/** May the caller see this farmer's phone in full? Admins, and agents of the farmer's usual point. */
function seesFullPhone(actor: Principal, farmer: FarmerEntity): boolean {
  return actor.role === Role.ADMIN || (actor.role === Role.AGENT && actor.pointIds.includes(farmer.usualPointId));
}

/** Farmer registry (农户): registration, lookup with masking, and the farmer view other modules use. */
const FARMER_REF_COLUMNS = {
  id: true, companyId: true, name: true, phone: true, usualPointId: true, villageRegionId: true, active: true, hardship: true,
  smsConsent: true, familyPhone: true,
} as const;

type FarmerRefRow = {
  id: string; company_id: string; name: string; phone: string; usual_point_id: string; village_region_id: string;
  active: number; hardship: number; sms_consent: number; family_phone: string | null;
};

function toFarmerRef(f: FarmerEntity): FarmerRef {
  return {
    id: f.id, companyId: f.companyId, name: f.name, phone: f.phone, usualPointId: f.usualPointId, villageRegionId: f.villageRegionId, active: f.active,
    hardship: f.hardship, smsConsent: f.smsConsent, familyPhone: f.familyPhone,
  };
}

@Injectable()
export class FarmersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly points: CommercePointsService,
    private readonly regions: RegionsService,
    @Inject(FARMER_CIPHER) private readonly cipher: FieldCipher,
    private readonly payoutGuard: FarmerPayoutGuard,
    private readonly payoutCodes: PayoutChangeCodeCheck,
  ) {}

  toDto(actor: Principal, f: FarmerEntity): FarmerDto {
    const full = seesFullPhone(actor, f);
    return {
      id: f.id, companyId: f.companyId, name: f.name, phone: full ? f.phone : (maskPhone(f.phone) as string), phoneMasked: !full,
      villageRegionId: f.villageRegionId, usualPointId: f.usualPointId, idNumberLast4: f.idNumberLast4,
      payout: { method: f.payoutMethod, bankName: f.payoutBankName, accountMasked: maskAccount(f.payoutAccountLast4) },
      payoutVerifiedAt: f.payoutVerifiedAt ?? null,
      smsConsent: f.smsConsent, familyPhone: full ? f.familyPhone : maskPhone(f.familyPhone),
      hardship: f.hardship, showNameOnTrace: f.showNameOnTrace, active: f.active, createdAt: f.createdAt, updatedAt: f.updatedAt,
    };
  }

  /** Registers a farmer; an agent may only register farmers whose usual point is one of theirs. */
  async create(actor: Principal, dto: CreateFarmerDto): Promise<FarmerDto> {
    const values = await this.checkedValues(dto);
    return this.dataSource.transaction(async (em) => {
      await this.points.requireActivePointForAction(actor, dto.usualPointId, em);
      const repo = em.getRepository(FarmerEntity);
      let id: string;
      try {
        const result = await repo.insert({
          companyId: actor.companyId, name: dto.name, phone: dto.phone, villageRegionId: dto.villageRegionId,
          usualPointId: dto.usualPointId, idNumberCipher: null, idNumberHash: null, idNumberLast4: null,
          payoutBankName: null, payoutAccountCipher: null, payoutAccountLast4: null,
          smsConsent: dto.smsConsent ?? false, familyPhone: dto.familyPhone ?? null, hardship: dto.hardship ?? false,
          showNameOnTrace: dto.showNameOnTrace ?? false, active: true, createdBy: actor.id,
          ...values,
        } as Partial<FarmerEntity>);
        id = String(result.identifiers[0].id);
      } catch (err) {
        throw this.duplicateError(err);
      }
      const farmer = await repo.findOneByOrFail({ id });
      const view = this.toDto(actor, farmer);
      await this.audit.record(em, actor, { entityType: 'farmer', entityId: id, action: 'create', after: this.auditView(farmer) });
      await this.outbox.publish(em, {
        eventType: FARMER_EVENTS.REGISTERED, aggregateType: 'farmer', aggregateId: id,
        payload: { farmerId: id, companyId: farmer.companyId, usualPointId: farmer.usualPointId, smsConsent: farmer.smsConsent },
      });
      return view;
    });
  }

  /**
   * Changes a farmer; only admins and agents of the farmer's usual point (others: 404). New payout
   * details need `payoutCode`, the fresh SMS code sent to the farmer's current phone.
   */
  async update(actor: Principal, id: string, dto: UpdateFarmerDto): Promise<FarmerDto> {
    return this.change(actor, id, dto, dto.payoutCode, async (em, farmer) => {
      await this.points.requireActivePointForAction(actor, farmer.usualPointId, em).catch((err) => {
        throw err instanceof NotFoundError ? farmerNotFound() : err;
      });
      if (dto.usualPointId && dto.usualPointId !== farmer.usualPointId) {
        await this.points.requireActivePointForAction(actor, dto.usualPointId, em);
      }
    });
  }

  /** The farmer's own payout change (farmer app, a farmer principal): the code sent to the farmer's phone is required. */
  async changeOwnPayout(actor: Principal, payout: PayoutDto, code: string): Promise<FarmerDto> {
    return this.change(actor, actor.id, { payout }, code, async () => undefined);
  }

  /** Who may ask for a payout-change code for this farmer: the same callers as `update` (others: 404). */
  async requireForPayoutChange(actor: Principal, id: string): Promise<FarmerRef> {
    const farmer = await this.requireFarmerInCompany(actor.companyId, id);
    await this.points.requireActivePointForAction(actor, farmer.usualPointId).catch((err) => {
      throw err instanceof NotFoundError ? farmerNotFound() : err;
    });
    return farmer;
  }

  /**
   * One change of a farmer under the row lock. A payout change waits for no payout in flight
   * (409), then needs a valid code (422; a wrong try is still committed so the 5-try limit
   * holds), is audited masked, and publishes `farmer.payout_changed` for the SMS to the old phone.
   */
  private async change(
    actor: Principal, id: string, dto: UpdateFarmerDto, payoutCode: string | undefined,
    authorize: (em: EntityManager, farmer: FarmerEntity) => Promise<void>,
  ): Promise<FarmerDto> {
    const outcome = await this.dataSource.transaction(async (em): Promise<{ view: FarmerDto } | { error: Error }> => {
      const repo = em.getRepository(FarmerEntity);
      const farmer = await repo.findOne({ where: { id, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!farmer) throw farmerNotFound();
      await authorize(em, farmer);
      const values = await this.checkedValues(dto);
      if (dto.payout) {
        // The farmer row is locked; a payout is issued only under the same lock (PayoutsService).
        if (await this.payoutGuard.hasPayoutInFlight(em, id)) {
          throw new ConflictError('FARMER_PAYOUT_IN_FLIGHT', '该农户有正在处理的打款，请待其完成后再修改收款信息',
            'A payout to this farmer is in flight; change the payout details after it completes',
            [{ field: 'payout', message: '打款处理中', messageEn: 'payout in flight' }]);
        }
        if (!payoutCode) {
          throw new RuleViolationError('PAYOUT_CODE_REQUIRED', '修改收款信息须提供发到农户手机的验证码', 'Changing payout details needs the SMS code sent to the farmer\'s phone',
            [{ field: 'payoutCode', message: '请先获取验证码', messageEn: 'request a code first' }]);
        }
        if (!(await this.payoutCodes.verify(em, farmer, payoutCode))) {
          return { error: new RuleViolationError('PAYOUT_CODE_INVALID', '验证码错误、已过期或已使用，请重新获取', 'Payout-change code wrong, expired or used',
            [{ field: 'payoutCode', message: '验证码无效', messageEn: 'invalid code' }]) };
        }
        values.payoutVerifiedAt = null;
      }
      const changes: Partial<FarmerEntity> = { ...values };
      for (const key of ['name', 'phone', 'villageRegionId', 'usualPointId', 'smsConsent', 'familyPhone', 'hardship', 'showNameOnTrace', 'active'] as const) {
        if (dto[key] !== undefined) (changes as Record<string, unknown>)[key] = dto[key];
      }
      const before = this.auditView(farmer);
      try {
        if (Object.keys(changes).length) await repo.update({ id }, changes);
      } catch (err) {
        throw this.duplicateError(err);
      }
      const after = await repo.findOneByOrFail({ id });
      await this.audit.record(em, actor, {
        entityType: 'farmer', entityId: id, action: 'update', before, after: this.auditView(after),
        reason: dto.payout ? `收款信息变更已凭短信验证码确认 payout change confirmed by SMS code sent to ${maskPhone(farmer.phone)}` : null,
      });
      if (dto.payout) {
        // The notice goes to the phone the code went to: the old one when the phone changes too.
        await this.outbox.publish(em, {
          eventType: FARMER_EVENTS.PAYOUT_CHANGED, aggregateType: 'farmer', aggregateId: id,
          payload: {
            farmerId: id, companyId: farmer.companyId, notifyPhone: farmer.phone, phoneChanged: after.phone !== farmer.phone,
            method: after.payoutMethod, bankName: after.payoutBankName, accountLast4: after.payoutAccountLast4, changedAt: after.updatedAt.toISOString(),
          },
        });
      }
      return { view: this.toDto(actor, after) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.view;
  }

  /**
   * Lists farmers. Agents and managers see farmers of their points; an exact phone or full ID
   * number searches the whole company (a farmer may bring goods to another point), phone masked.
   */
  list(actor: Principal, query: ListFarmersQueryDto): Promise<Page<FarmerDto>> {
    const qb = this.dataSource.getRepository(FarmerEntity).createQueryBuilder('f')
      .where('f.company_id = :companyId', { companyId: actor.companyId });
    const exact = (query.phone && MOBILE_PHONE.test(query.phone)) || !!query.idNumber;
    if (!exact && actor.role !== Role.ADMIN) scopeByPoint(qb, 'f.usual_point_id', actor);
    if (query.phone) {
      if (MOBILE_PHONE.test(query.phone)) qb.andWhere('f.phone = :phone', { phone: query.phone });
      else qb.andWhere('f.phone LIKE :phone', { phone: `${query.phone}%` });
    }
    if (query.idNumber) qb.andWhere('f.id_number_hash = :idHash', { idHash: this.cipher.blindIndex(query.idNumber) });
    if (query.idLast4) qb.andWhere('f.id_number_last4 = :last4', { last4: query.idLast4.toUpperCase() });
    if (query.name) qb.andWhere('f.name LIKE :name', { name: `%${query.name}%` });
    if (query.pointId) qb.andWhere('f.usual_point_id = :pointId', { pointId: query.pointId });
    if (query.active !== undefined) qb.andWhere('f.active = :active', { active: query.active });
    if (query.hardship !== undefined) qb.andWhere('f.hardship = :hardship', { hardship: query.hardship });
    return paginate(qb, 'f.id', query, (f) => this.toDto(actor, f));
  }

  /** One farmer of the caller's company whose usual point the caller can see (else 404). */
  async get(actor: Principal, id: string): Promise<FarmerDto> {
    const farmer = await this.dataSource.getRepository(FarmerEntity).findOneBy({ id, companyId: actor.companyId });
    if (!farmer) throw farmerNotFound();
    if (actor.role !== Role.ADMIN) {
      await this.points.requireVisiblePoint(actor, farmer.usualPointId).catch((err) => {
        throw err instanceof NotFoundError ? farmerNotFound() : err;
      });
    }
    return this.toDto(actor, farmer);
  }

  /** For other modules: the farmer of this company (active or not), or 404 FARMER_NOT_FOUND. */
  async requireFarmerInCompany(companyId: string, farmerId: string, em?: EntityManager): Promise<FarmerRef> {
    // A plain query: intake checks the farmer on every consignment, and the ORM's select costs more than the SQL.
    const rows: FarmerRefRow[] = await (em ?? this.dataSource.manager).query(
      `SELECT id, company_id, name, phone, usual_point_id, village_region_id, active, hardship, sms_consent, family_phone
         FROM farmer WHERE id = ? AND company_id = ?`,
      [farmerId, companyId],
    );
    const f = rows[0];
    if (!f) throw farmerNotFound();
    return {
      id: String(f.id), companyId: String(f.company_id), name: f.name, phone: f.phone, usualPointId: String(f.usual_point_id),
      villageRegionId: String(f.village_region_id), active: Boolean(Number(f.active)), hardship: Boolean(Number(f.hardship)),
      smsConsent: Boolean(Number(f.sms_consent)), familyPhone: f.family_phone,
    };
  }

  /** For notifications and the farmer app: the farmer by id in any company, or null. */
  async findRef(farmerId: string): Promise<FarmerRef | null> {
    const f = await this.dataSource.getRepository(FarmerEntity).findOne({ select: FARMER_REF_COLUMNS, where: { id: farmerId } });
    return f ? toFarmerRef(f) : null;
  }

  /** For notifications in bulk (the daily digest): the farmers with these ids, any company, in one query. */
  async findRefs(farmerIds: string[]): Promise<FarmerRef[]> {
    if (farmerIds.length === 0) return [];
    const rows = await this.dataSource.getRepository(FarmerEntity).find({ select: FARMER_REF_COLUMNS, where: { id: In([...new Set(farmerIds)]) } });
    return rows.map(toFarmerRef);
  }

  /** For SMS login and incoming SMS: the active farmers (one per company at most) with this mobile. */
  async findActiveByPhone(phone: string): Promise<FarmerRef[]> {
    if (!MOBILE_PHONE.test(phone)) return [];
    const rows = await this.dataSource.getRepository(FarmerEntity).find({ select: FARMER_REF_COLUMNS, where: { phone, active: true }, order: { id: 'ASC' } });
    return rows.map(toFarmerRef);
  }

  /** Marks the farmer's payout details as verified (admin), e.g. after a confirmed test transfer. */
  async verifyPayout(actor: Principal, id: string): Promise<FarmerDto> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(FarmerEntity);
      const farmer = await repo.findOne({ where: { id, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!farmer) throw farmerNotFound();
      const verifiedAt = new Date();
      await repo.update({ id }, { payoutVerifiedAt: verifiedAt });
      await this.audit.record(em, actor, { entityType: 'farmer', entityId: id, action: 'verify_payout', before: { payoutVerifiedAt: farmer.payoutVerifiedAt }, after: { payoutVerifiedAt: verifiedAt } });
      return this.toDto(actor, { ...farmer, payoutVerifiedAt: verifiedAt });
    });
  }

  /**
   * For the payouts module: the farmer's payout details with the account number decrypted, the
   * farmer row locked FOR UPDATE in the caller's transaction (so the details cannot change while
   * a payout is being issued). 404 outside the company.
   */
  async lockPayoutTarget(em: EntityManager, companyId: string, farmerId: string): Promise<{
    farmerId: string; name: string; usualPointId: string; method: PayoutMethod; bankName: string | null; accountNumber: string | null; verified: boolean;
  }> {
    const f = await em.getRepository(FarmerEntity).findOne({ where: { id: farmerId, companyId }, lock: { mode: 'pessimistic_write' } });
    if (!f) throw farmerNotFound();
    return {
      farmerId: f.id, name: f.name, usualPointId: f.usualPointId, method: f.payoutMethod, bankName: f.payoutBankName,
      accountNumber: f.payoutAccountCipher ? this.cipher.decrypt(f.payoutAccountCipher) : null, verified: !!f.payoutVerifiedAt,
    };
  }

  /** For other modules (parcel station): phone → farmer id for the farmers of a company with those phones. */
  async findIdsByPhones(companyId: string, phones: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(phones.filter((p) => MOBILE_PHONE.test(p)))];
    const map = new Map<string, string>();
    if (wanted.length === 0) return map;
    // Plain SQL: a parcel manifest asks for thousands of phones at once, and the ORM's per-parameter
    // work on a long IN list costs more than the indexed lookup itself.
    const rows: Array<{ id: string; phone: string }> = await this.dataSource.query(
      'SELECT id, phone FROM farmer WHERE company_id = ? AND phone IN (?)', [companyId, wanted],
    );
    for (const r of rows) map.set(r.phone, String(r.id));
    return map;
  }

  /** Validates what the DTO cannot (ID check digit, payout completeness, village) and encrypts secrets. */
  private async checkedValues(dto: Partial<CreateFarmerDto>): Promise<Partial<FarmerEntity>> {
    const out: Partial<FarmerEntity> = {};
    if (dto.idNumber !== undefined) {
      const id = dto.idNumber.toUpperCase();
      if (!isValidIdNumber(id)) throw new InvalidFieldError('idNumber', '身份证号校验位或出生日期不正确', 'ID number check digit or birth date is invalid');
      out.idNumberCipher = this.cipher.encrypt(id);
      out.idNumberHash = this.cipher.blindIndex(id);
      out.idNumberLast4 = lastFour(id);
    }
    if (dto.payout) Object.assign(out, this.payoutValues(dto.payout));
    if (dto.villageRegionId !== undefined) {
      const region = await this.regions.get(dto.villageRegionId).catch((err) => {
        if (err instanceof NotFoundError) return null;
        throw err;
      });
      if (!region || region.level !== RegionLevel.VILLAGE) {
        throw new RuleViolationError('FARMER_VILLAGE_INVALID', '所在村不存在或不是村级区划', 'Home village not found or not a village',
          [{ field: 'villageRegionId', message: '须为村级区划', messageEn: 'must be a village region' }]);
      }
    }
    return out;
  }

  private payoutValues(p: PayoutDto): Partial<FarmerEntity> {
    const needsAccount = p.method === PayoutMethod.BANK_CARD || p.method === PayoutMethod.ALIPAY;
    if (p.method === PayoutMethod.BANK_CARD) {
      if (!p.bankName) throw new InvalidFieldError('payout.bankName', '银行卡打款须填写开户行', 'bank name is required for bank card payouts');
      if (!p.accountNumber || !/^\d{12,19}$/.test(p.accountNumber)) {
        throw new InvalidFieldError('payout.accountNumber', '银行卡号须为 12-19 位数字', 'bank card number must be 12-19 digits');
      }
    }
    if (needsAccount && !p.accountNumber) throw new InvalidFieldError('payout.accountNumber', '须填写收款账号', 'account number is required');
    if (p.method === PayoutMethod.CASH && (p.accountNumber || p.bankName)) {
      throw new InvalidFieldError('payout.accountNumber', '现金结算不填写账号', 'cash payouts take no account');
    }
    return {
      payoutMethod: p.method,
      payoutBankName: p.method === PayoutMethod.BANK_CARD ? (p.bankName as string) : null,
      payoutAccountCipher: p.accountNumber ? this.cipher.encrypt(p.accountNumber) : null,
      payoutAccountLast4: p.accountNumber ? lastFour(p.accountNumber) : null,
    };
  }

  /** What the audit log keeps: no ciphertext, no hashes, only last-4 fields. */
  private auditView(f: FarmerEntity): Record<string, unknown> {
    return {
      name: f.name, phone: maskPhone(f.phone), villageRegionId: f.villageRegionId, usualPointId: f.usualPointId,
      idNumberLast4: f.idNumberLast4, payoutMethod: f.payoutMethod, payoutBankName: f.payoutBankName,
      payoutAccountLast4: f.payoutAccountLast4, smsConsent: f.smsConsent, familyPhone: maskPhone(f.familyPhone), hardship: f.hardship,
      showNameOnTrace: f.showNameOnTrace, active: f.active,
    };
  }

  private duplicateError(err: unknown): unknown {
    if (!isDuplicateKeyError(err)) return err;
    const message = String((err as { message?: string }).message ?? '');
    if (message.includes('uq_farmer_company_id_number')) {
      return new ConflictError('FARMER_ID_NUMBER_TAKEN', '该身份证号已登记', 'A farmer with this ID number already exists',
        [{ field: 'idNumber', message: '已登记', messageEn: 'already registered' }]);
    }
    return new ConflictError('FARMER_PHONE_TAKEN', '该手机号已登记', 'A farmer with this phone already exists',
      [{ field: 'phone', message: '已登记', messageEn: 'already registered' }]);
  }
}
