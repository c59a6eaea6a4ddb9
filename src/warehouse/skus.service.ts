import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ProductEntity } from '../catalog/product.entity';
import { Principal } from '../common/access/principal';
import { ConflictError } from '../common/errors/domain-error';
import { fieldRuleViolation } from '../common/errors/field-rule-violation';
import { isDuplicateKeyError } from '../database/transaction';
import { CreateSkuDto } from './dto/warehouse-requests.dto';
import { SkuEntity } from './sku.entity';

export type SkuView = Pick<SkuEntity, 'id' | 'productId' | 'code' | 'name' | 'contentUnit' | 'contentBasePerPack' | 'active' | 'createdAt'>;
const toSkuView = (s: SkuEntity): SkuView => ({ id: s.id, productId: s.productId, code: s.code, name: s.name, contentUnit: s.contentUnit, contentBasePerPack: s.contentBasePerPack, active: s.active, createdAt: s.createdAt });

/** SKUs: sellable packs of one product with a fixed content in the product's base unit. */
@Injectable()
export class SkusService {
  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService) {}

  async create(actor: Principal, dto: CreateSkuDto): Promise<SkuView> {
    const product = await this.dataSource.getRepository(ProductEntity).findOneBy({ id: dto.productId, companyId: actor.companyId });
    if (!product) throw fieldRuleViolation('PRODUCT_NOT_FOUND', 'productId', '商品不存在', 'product not found');
    if (dto.contentUnit !== product.baseUnit) {
      throw fieldRuleViolation('SKU_UNIT_MISMATCH', 'contentUnit', `包装内容单位须为商品的基本单位 ${product.baseUnit}`, `the content unit must be the product's base unit ${product.baseUnit}`);
    }
    return this.dataSource.transaction(async (em) => {
      try {
        const result = await em.getRepository(SkuEntity).insert({ ...dto, companyId: actor.companyId, active: true });
        const sku = await em.getRepository(SkuEntity).findOneByOrFail({ id: String(result.identifiers[0].id) });
        await this.audit.record(em, actor, { entityType: 'sku', entityId: sku.id, action: 'create', after: toSkuView(sku) });
        return toSkuView(sku);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ConflictError('SKU_CODE_TAKEN', 'SKU 代码已存在', 'SKU code already exists', [{ field: 'code', message: '已存在', messageEn: 'already exists' }]);
        throw err;
      }
    });
  }

  async list(actor: Principal): Promise<SkuView[]> {
    return (await this.dataSource.getRepository(SkuEntity).find({ where: { companyId: actor.companyId }, order: { code: 'ASC' } })).map(toSkuView);
  }

  /** For processing: the company's SKUs by id. */
  async loadMany(em: EntityManager, companyId: string, ids: string[]): Promise<Map<string, SkuEntity>> {
    const rows = await em.getRepository(SkuEntity).findBy({ id: In(ids), companyId });
    return new Map(rows.map((s) => [s.id, s]));
  }
}
