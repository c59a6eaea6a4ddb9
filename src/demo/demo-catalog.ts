import { BaseUnit, SettlementMode } from '../catalog/product.entity';
import { CreateProductDto } from '../catalog/dto/create-product.dto';

/** A demo product and its farmer prices (fen per display unit) per grade. */
export type DemoProduct = CreateProductDto & { prices: Array<{ gradeCode: string; unitName: string; priceFen: number }> };

const GRADES_AB = [{ code: 'A', name: '一级' }, { code: 'B', name: '二级' }];
const JIN = [{ name: '斤', baseUnitsPerDisplayUnit: 500 }, { name: '公斤', baseUnitsPerDisplayUnit: 1000 }, { name: '克', baseUnitsPerDisplayUnit: 1 }];

/**
 * The goods villagers bring (DOMAIN.md), priced as in the reports: about 2 yuan an egg, about 15
 * yuan a jin of 坛子菜. Used by the demo loader, the tests and the benchmark.
 */
export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    code: 'EGG', name: '土鸡蛋', category: '禽蛋', baseUnit: BaseUnit.PIECE, units: [{ name: '枚', baseUnitsPerDisplayUnit: 1 }, { name: '打', baseUnitsPerDisplayUnit: 12 }],
    grades: GRADES_AB, qcChecklist: [{ key: 'cracks', label: '无裂纹' }, { key: 'dirt', label: '蛋壳清洁' }, { key: 'size', label: '大小均匀' }],
    shelfLifeDays: 30, settlementMode: SettlementMode.PURCHASE, maxQuantityBasePerLine: 2000,
    prices: [{ gradeCode: 'A', unitName: '枚', priceFen: 200 }, { gradeCode: 'B', unitName: '枚', priceFen: 150 }],
  },
  {
    code: 'TZC', name: '坛子菜', category: '腌制品', baseUnit: BaseUnit.GRAM, units: JIN,
    grades: GRADES_AB, qcChecklist: [{ key: 'seal', label: '密封完好' }, { key: 'mold', label: '无霉变' }, { key: 'smell', label: '气味正常' }],
    shelfLifeDays: 180, settlementMode: SettlementMode.CONSIGNMENT, maxQuantityBasePerLine: 100_000,
    prices: [{ gradeCode: 'A', unitName: '斤', priceFen: 1500 }, { gradeCode: 'B', unitName: '斤', priceFen: 1100 }],
  },
  {
    code: 'DFR', name: '豆腐乳', category: '腌制品', baseUnit: BaseUnit.JAR, units: [{ name: '瓶', baseUnitsPerDisplayUnit: 1 }, { name: '坛', baseUnitsPerDisplayUnit: 1 }],
    grades: [{ code: 'A', name: '一级' }], qcChecklist: [{ key: 'seal', label: '密封完好' }, { key: 'label', label: '标签齐全' }, { key: 'productionDate', label: '生产日期清楚' }],
    shelfLifeDays: 365, settlementMode: SettlementMode.CONSIGNMENT, maxQuantityBasePerLine: 500,
    prices: [{ gradeCode: 'A', unitName: '瓶', priceFen: 1800 }],
  },
  {
    code: 'GDJ', name: '干豆角', category: '干货', baseUnit: BaseUnit.GRAM, units: JIN, grades: GRADES_AB,
    qcChecklist: [{ key: 'dryness', label: '干燥无潮' }, { key: 'mold', label: '无霉变' }],
    shelfLifeDays: 365, settlementMode: SettlementMode.PURCHASE, maxQuantityBasePerLine: 50_000,
    prices: [{ gradeCode: 'A', unitName: '斤', priceFen: 2500 }, { gradeCode: 'B', unitName: '斤', priceFen: 1800 }],
  },
  {
    code: 'CB', name: '糍粑', category: '米制品', baseUnit: BaseUnit.PIECE, units: [{ name: '个', baseUnitsPerDisplayUnit: 1 }],
    grades: [{ code: 'A', name: '一级' }], qcChecklist: [{ key: 'mold', label: '无霉变' }, { key: 'shape', label: '形状完整' }],
    shelfLifeDays: 15, settlementMode: SettlementMode.CONSIGNMENT, maxQuantityBasePerLine: 1000,
    prices: [{ gradeCode: 'A', unitName: '个', priceFen: 300 }],
  },
  {
    code: 'NQ', name: '泥鳅', category: '水产', baseUnit: BaseUnit.GRAM, units: JIN, grades: [{ code: 'A', name: '一级' }],
    qcChecklist: [{ key: 'alive', label: '鲜活' }], shelfLifeDays: 2, settlementMode: SettlementMode.PURCHASE, maxQuantityBasePerLine: 50_000,
    prices: [{ gradeCode: 'A', unitName: '斤', priceFen: 2000 }],
  },
  {
    code: 'TJ', name: '土鸡', category: '禽肉', baseUnit: BaseUnit.GRAM, units: JIN, grades: GRADES_AB,
    qcChecklist: [{ key: 'quarantine', label: '检疫合格' }, { key: 'healthy', label: '健康无病' }], shelfLifeDays: 3,
    settlementMode: SettlementMode.PURCHASE, maxQuantityBasePerLine: 100_000,
    prices: [{ gradeCode: 'A', unitName: '斤', priceFen: 3000 }, { gradeCode: 'B', unitName: '斤', priceFen: 2400 }],
  },
  {
    code: 'TZR', name: '土猪肉', category: '畜肉', baseUnit: BaseUnit.GRAM, units: JIN, grades: GRADES_AB,
    qcChecklist: [{ key: 'quarantine', label: '检疫合格' }, { key: 'freshness', label: '新鲜' }], shelfLifeDays: 3,
    settlementMode: SettlementMode.PURCHASE, maxQuantityBasePerLine: 200_000,
    prices: [{ gradeCode: 'A', unitName: '斤', priceFen: 2800 }, { gradeCode: 'B', unitName: '斤', priceFen: 2200 }],
  },
  {
    code: 'SG', name: '丝瓜', category: '蔬菜', baseUnit: BaseUnit.GRAM, units: JIN, grades: GRADES_AB,
    qcChecklist: [{ key: 'freshness', label: '新鲜' }, { key: 'damage', label: '无损伤' }], shelfLifeDays: 5,
    settlementMode: SettlementMode.CONSIGNMENT, maxQuantityBasePerLine: 100_000,
    prices: [{ gradeCode: 'A', unitName: '斤', priceFen: 300 }, { gradeCode: 'B', unitName: '斤', priceFen: 200 }],
  },
];

/** Prices of the demo catalog apply from this instant (2026-01-01 Asia/Shanghai). */
export const DEMO_PRICES_FROM = '2026-01-01T00:00:00+08:00';
