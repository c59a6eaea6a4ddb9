import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../common/access/principal';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors/domain-error';
import { Page, paginate } from '../common/pagination';
import { isDuplicateKeyError } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { CreatePriceDto } from './dto/create-price.dto';
import { CreateProductDto } from './dto/create-product.dto';
import { ListProductsQueryDto } from './dto/list-products-query.dto';
import { PriceDto, ProductDto } from './dto/product.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { ProductPriceEntity } from './product-price.entity';
import { toSafeInteger } from '../database/transformers/bigint.transformer';
import { BaseUnit, ChecklistItem, DisplayUnit, ProductEntity, ProductGrade, SettlementMode } from './product.entity';

export const CATALOG_EVENTS = { PRICE_SET: 'catalog.price_set' } as const;

/** A product with the farmer prices in force at one instant, keyed by grade code. */
export type ProductForIntake = { product: ProductEntity; prices: Map<string, ProductPriceEntity> };

/** A row of loadForIntake's join: product columns, then its price columns (null without a price in force). */
type IntakeRow = Record<string, unknown> & { id: string; pp_id: string | null; pp_grade_code: string; pp_effective_to: Date | null };

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function productFromRow(r: IntakeRow): ProductEntity {
  return Object.assign(new ProductEntity(), {
    id: String(r.id), companyId: String(r.company_id), code: r.code as string, name: r.name as string, category: r.category as string,
    baseUnit: r.base_unit as BaseUnit, units: json<DisplayUnit[]>(r.units), grades: json<ProductGrade[]>(r.grades),
    qcChecklist: json<ChecklistItem[]>(r.qc_checklist), shelfLifeDays: Number(r.shelf_life_days), settlementMode: r.settlement_mode as SettlementMode,
    consignmentPeriodDays: Number(r.consignment_period_days),
    farmerShareBasisPoints: r.farmer_share_basis_points === null ? null : Number(r.farmer_share_basis_points),
    maxQuantityBasePerLine: Number(r.max_quantity_base_per_line), active: Boolean(Number(r.active)),
    createdAt: r.created_at as Date, updatedAt: r.updated_at as Date,
  });
}

const productNotFound = () => new NotFoundError('商品', 'Product', 'PRODUCT_NOT_FOUND');

export const toPriceDto = (p: ProductPriceEntity): PriceDto => ({
  id: p.id, productId: p.productId, gradeCode: p.gradeCode, unitName: p.unitName, unitSizeBase: p.unitSizeBase,
  priceFen: p.priceFen, effectiveFrom: p.effectiveFrom, effectiveTo: p.effectiveTo, createdAt: p.createdAt,
});

function toProductDto(p: ProductEntity, prices: ProductPriceEntity[]): ProductDto {
  return {
    id: p.id, code: p.code, name: p.name, category: p.category, baseUnit: p.baseUnit, units: p.units, grades: p.grades,
    qcChecklist: p.qcChecklist, shelfLifeDays: p.shelfLifeDays, settlementMode: p.settlementMode,
    maxQuantityBasePerLine: p.maxQuantityBasePerLine,
    consignmentPeriodDays: p.consignmentPeriodDays, farmerShareBasisPoints: p.farmerShareBasisPoints, active: p.active, currentPrices: prices.map(toPriceDto),
    createdAt: p.createdAt, updatedAt: p.updatedAt,
  };
}

function assertUnique(field: string, values: string[]): void {
  if (new Set(values).size !== values.length) {
    throw new RuleViolationError('CATALOG_DUPLICATE_ENTRY', `${field} 有重复项`, `${field} has duplicates`,
      [{ field, message: '有重复项', messageEn: 'has duplicates' }]);
  }
}

/** Product catalog and farmer price history; intake and QC read products and prices through here. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async create(actor: Principal, dto: CreateProductDto): Promise<ProductDto> {
    this.checkLists(dto);
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ProductEntity);
      let id: string;
      try {
        id = String((await repo.insert({ ...dto, companyId: actor.companyId, active: true })).identifiers[0].id);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new ConflictError('PRODUCT_CODE_TAKEN', '商品代码已存在', 'Product code already exists', [{ field: 'code', message: '已存在', messageEn: 'already exists' }]);
        }
        throw err;
      }
      const product = await repo.findOneByOrFail({ id });
      await this.audit.record(em, actor, { entityType: 'product', entityId: id, action: 'create', after: toProductDto(product, []) });
      return toProductDto(product, []);
    });
  }

  /** Units and grades may be added or renamed, never removed or resized (recorded quantities use them). */
  async update(actor: Principal, id: string, dto: UpdateProductDto): Promise<ProductDto> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ProductEntity);
      const product = await repo.findOne({ where: { id, companyId: actor.companyId }, lock: { mode: 'pessimistic_write' } });
      if (!product) throw productNotFound();
      this.checkLists({ units: dto.units ?? product.units, grades: dto.grades ?? product.grades, qcChecklist: dto.qcChecklist ?? product.qcChecklist });
      if (dto.units) this.assertKept('units', product.units, dto.units, (u: DisplayUnit) => `${u.name}:${u.baseUnitsPerDisplayUnit}`);
      if (dto.grades) this.assertKept('grades', product.grades, dto.grades, (g: ProductGrade) => g.code);
      const before = toProductDto(product, []);
      await repo.update({ id }, { ...dto });
      const after = await repo.findOneByOrFail({ id });
      await this.audit.record(em, actor, { entityType: 'product', entityId: id, action: 'update', before, after: toProductDto(after, []) });
      return toProductDto(after, await this.pricesInForce(em, [id], new Date()));
    });
  }

  async list(actor: Principal, query: ListProductsQueryDto): Promise<Page<ProductDto>> {
    const qb = this.dataSource.getRepository(ProductEntity).createQueryBuilder('p')
      .where('p.company_id = :companyId', { companyId: actor.companyId });
    if (query.category) qb.andWhere('p.category = :category', { category: query.category });
    if (query.active !== undefined) qb.andWhere('p.active = :active', { active: query.active });
    if (query.q) qb.andWhere('(p.name LIKE :q OR p.code LIKE :q)', { q: `%${query.q}%` });
    const page = await paginate(qb, 'p.id', query, (p) => p);
    const prices = await this.pricesInForce(this.dataSource.manager, page.items.map((p) => p.id), new Date());
    return { items: page.items.map((p) => toProductDto(p, prices.filter((x) => x.productId === p.id))), nextCursor: page.nextCursor };
  }

  async get(actor: Principal, id: string): Promise<ProductDto> {
    const product = await this.dataSource.getRepository(ProductEntity).findOneBy({ id, companyId: actor.companyId });
    if (!product) throw productNotFound();
    return toProductDto(product, await this.pricesInForce(this.dataSource.manager, [id], new Date()));
  }

  /** Adds a farmer price for a grade from a date; earlier prices stay as history. */
  async addPrice(actor: Principal, productId: string, dto: CreatePriceDto): Promise<PriceDto> {
    const from = new Date(dto.effectiveFrom);
    const to = dto.effectiveTo ? new Date(dto.effectiveTo) : null;
    if (to && to <= from) {
      throw new RuleViolationError('PRICE_PERIOD_INVALID', '结束时间须晚于开始时间', 'effectiveTo must be after effectiveFrom',
        [{ field: 'effectiveTo', message: '须晚于开始时间', messageEn: 'must be after effectiveFrom' }]);
    }
    return this.dataSource.transaction(async (em) => {
      const product = await em.getRepository(ProductEntity).findOneBy({ id: productId, companyId: actor.companyId });
      if (!product) throw productNotFound();
      if (!product.grades.some((g) => g.code === dto.gradeCode)) throw gradeUnknown('gradeCode', product, dto.gradeCode);
      const unit = product.units.find((u) => u.name === dto.unitName);
      if (!unit) throw unitUnknown('unitName', product, dto.unitName);
      const repo = em.getRepository(ProductPriceEntity);
      let id: string;
      try {
        id = String((await repo.insert({
          productId, gradeCode: dto.gradeCode, unitName: unit.name, unitSizeBase: unit.baseUnitsPerDisplayUnit,
          priceFen: dto.priceFen, effectiveFrom: from, effectiveTo: to, createdBy: actor.id,
        })).identifiers[0].id);
      } catch (err) {
        if (isDuplicateKeyError(err)) {
          throw new ConflictError('PRICE_EXISTS', '该等级在此生效时间已有价格', 'A price for this grade already starts at that time',
            [{ field: 'effectiveFrom', message: '已有价格', messageEn: 'already has a price' }]);
        }
        throw err;
      }
      const price = await repo.findOneByOrFail({ id });
      await this.audit.record(em, actor, { entityType: 'product_price', entityId: id, action: 'create', after: toPriceDto(price) });
      await this.outbox.publish(em, {
        eventType: CATALOG_EVENTS.PRICE_SET, aggregateType: 'product', aggregateId: productId,
        payload: { productId, priceId: id, gradeCode: price.gradeCode, priceFen: price.priceFen, unitName: price.unitName, effectiveFrom: from.toISOString() },
      });
      return toPriceDto(price);
    });
  }

  /** The whole price history of a product, newest first. */
  async listPrices(actor: Principal, productId: string): Promise<PriceDto[]> {
    const product = await this.dataSource.getRepository(ProductEntity).findOneBy({ id: productId, companyId: actor.companyId });
    if (!product) throw productNotFound();
    const rows = await this.dataSource.getRepository(ProductPriceEntity).find({ where: { productId }, order: { effectiveFrom: 'DESC', id: 'DESC' } });
    return rows.map(toPriceDto);
  }

  /**
   * For intake and QC: the company's products with these ids and, per grade, the price in force at
   * `at`. Two set-based queries (run together) whatever the number of lines. Missing products are
   * simply absent.
   */
  async loadForIntake(companyId: string, productIds: string[], at: Date, em?: EntityManager): Promise<Map<string, ProductForIntake>> {
    const manager = em ?? this.dataSource.manager;
    const ids = [...new Set(productIds)];
    const out = new Map<string, ProductForIntake>();
    if (ids.length === 0) return out;
    // One round trip for the products and the prices in force (this read is on every intake);
    // newest first, so the first row per (product, grade) is the price in force.
    const rows: IntakeRow[] = await manager.query(
      `SELECT p.id, p.company_id, p.code, p.name, p.category, p.base_unit, p.units, p.grades, p.qc_checklist, p.shelf_life_days,
              p.settlement_mode, p.consignment_period_days, p.farmer_share_basis_points, p.max_quantity_base_per_line, p.active,
              p.created_at, p.updated_at,
              pp.id AS pp_id, pp.grade_code AS pp_grade_code, pp.unit_name AS pp_unit_name, pp.unit_size_base AS pp_unit_size_base,
              pp.price_fen AS pp_price_fen, pp.effective_from AS pp_effective_from, pp.effective_to AS pp_effective_to,
              pp.created_by AS pp_created_by, pp.created_at AS pp_created_at
         FROM product p
         LEFT JOIN product_price pp ON pp.product_id = p.id AND pp.effective_from <= ? AND (pp.effective_to IS NULL OR pp.effective_to > ?)
        WHERE p.id IN (?) AND p.company_id = ?
        ORDER BY p.id, pp.effective_from DESC, pp.id DESC`,
      [at, at, ids, companyId],
    );
    for (const r of rows) {
      const id = String(r.id);
      let entry = out.get(id);
      if (!entry) {
        entry = { product: productFromRow(r), prices: new Map() };
        out.set(id, entry);
      }
      if (r.pp_id !== null && !entry.prices.has(r.pp_grade_code)) {
        entry.prices.set(r.pp_grade_code, Object.assign(new ProductPriceEntity(), {
          id: String(r.pp_id), productId: id, gradeCode: r.pp_grade_code, unitName: r.pp_unit_name as string,
          unitSizeBase: Number(r.pp_unit_size_base), priceFen: toSafeInteger(r.pp_price_fen, 'price_fen'),
          effectiveFrom: r.pp_effective_from as Date, effectiveTo: r.pp_effective_to, createdBy: String(r.pp_created_by), createdAt: r.pp_created_at as Date,
        }));
      }
    }
    return out;
  }

  /** Latest price per (product, grade) whose period contains `at`. */
  private async pricesInForce(em: EntityManager, productIds: string[], at: Date): Promise<ProductPriceEntity[]> {
    if (productIds.length === 0) return [];
    const rows = await em.getRepository(ProductPriceEntity).createQueryBuilder('pp')
      .where('pp.product_id IN (:...productIds)', { productIds })
      .andWhere('pp.effective_from <= :at AND (pp.effective_to IS NULL OR pp.effective_to > :at)', { at })
      .orderBy('pp.effective_from', 'DESC').addOrderBy('pp.id', 'DESC')
      .getMany();
    const seen = new Set<string>();
    return rows.filter((r) => {
      const key = `${r.productId}:${r.gradeCode}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private checkLists(dto: Pick<CreateProductDto, 'units' | 'grades' | 'qcChecklist'>): void {
    assertUnique('units', dto.units.map((u) => u.name));
    assertUnique('grades', dto.grades.map((g) => g.code));
    assertUnique('qcChecklist', dto.qcChecklist.map((c) => c.key));
  }

  private assertKept<T>(field: string, before: T[], after: T[], key: (t: T) => string): void {
    const kept = new Set(after.map(key));
    if (before.some((b) => !kept.has(key(b)))) {
      throw new RuleViolationError('CATALOG_ENTRY_IN_USE', `${field} 只能新增，不能删除或改换算`, `${field} may only be added to, not removed or resized`,
        [{ field, message: '不能删除已有项', messageEn: 'existing entries must be kept' }]);
    }
  }
}

export function gradeUnknown(field: string, product: ProductEntity, code: string): RuleViolationError {
  return new RuleViolationError('GRADE_UNKNOWN', `${product.name}没有等级 ${code}`, `${product.code} has no grade ${code}`,
    [{ field, message: `没有等级 ${code}`, messageEn: `unknown grade ${code}` }]);
}

export function unitUnknown(field: string, product: ProductEntity, name: string): RuleViolationError {
  return new RuleViolationError('UNIT_UNKNOWN', `${product.name}没有单位 ${name}`, `${product.code} has no unit ${name}`,
    [{ field, message: `没有单位 ${name}`, messageEn: `unknown unit ${name}` }]);
}
