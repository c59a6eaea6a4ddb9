/**
 * Province-, city- or county-scale data, written with bulk multi-row INSERTs (not the API): the
 * region tree, points, agents, warehouses, farmers, a year of consignments with QC, batches (with
 * a few transit losses), lots
 * with provenance, sales over three channels with allocations, ledger postings, monthly settlement
 * runs with payouts, and parcels down and up with their counters.
 *
 * Every id is assigned here (from each table's MAX(id) at the start), so rows reference each other
 * without reading anything back. Derived state is computed the way the services compute it, with
 * their own pure functions (apportion, cumulativeDeltas, lineAmountFen, splitCommission,
 * pickupCodeFor): ledger balances equal the sums of their entries, every posting sums to zero,
 * parcel counters equal a recount of the parcels, lots conserve their inputs. Counties are
 * generated one after another (a farmer only trades at the points of their county), so memory
 * stays bounded at province scale. Deterministic for a given seed, scale and end day.
 */
import { createHash } from 'crypto';
import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';
import { lineAmountFen, percentOfFen } from '../../src/common/money';
import { DEMO_PRODUCTS, DemoProduct } from '../../src/demo/demo-catalog';
import { CommissionTerms, splitCommission } from '../../src/ledger/commission';
import { CommissionMode } from '../../src/ledger/ledger.enums';
import { pickupCodeFor } from '../../src/parcels/pickup-code';
import { apportion, apportionAmount, cumulativeDeltas } from '../../src/warehouse/apportion';
import { maskName } from '../../src/warehouse/public-trace-summary';
import { TRACE_ALPHABET } from '../../src/warehouse/trace-code';
import { DESTINATIONS, GIVEN_NAMES, HUNAN_CITIES, placeName, REJECT_REASONS, SURNAMES, TAOJIANG_TOWNSHIPS, YIYANG_COUNTIES } from './names';
import { BulkWriter } from './writer';

export type Scale = 'county' | 'city' | 'province';

export type GenerateOptions = {
  scale: Scale;
  /** stop the region tree at this many villages (tests, quick runs); default: the scale's size */
  villages?: number;
  /** days of activity, ending with `endDay` */
  days: number;
  /** last business day (Asia/Shanghai) of the data, YYYY-MM-DD */
  endDay: string;
  seed: number;
  /** multiplies every activity rate (consignments, sales, parcels per village and day) */
  factor: number;
  farmersPerVillage: number;
  /** first two digits of the region codes (43 = 湖南省) */
  provinceCode: string;
  /** the company's code; usernames start with it in lower case */
  companyCode: string;
  /** argon2 hash every generated user gets (one known password) */
  passwordHash: string;
  log: (line: string) => void;
  /** SET unique_checks = 0, foreign_key_checks = 0 for the session (faster bulk load) */
  relaxChecks?: boolean;
};

export type GenerateReport = {
  companyId: string;
  adminUsername: string;
  agentUsernames: string[];
  villages: number;
  tables: Array<{ table: string; rows: number; seconds: number }>;
  seconds: number;
};

/** Villages of each scale's tree: cities × counties × townships × villages per township. */
const SHAPES: Record<Scale, { cities: number; counties: number; townships: number; villages: number; total: number }> = {
  county: { cities: 1, counties: 1, townships: 15, villages: 20, total: 300 },
  city: { cities: 1, counties: 6, townships: 20, villages: 13, total: 1_500 },
  province: { cities: 14, counties: 8, townships: 18, villages: 12, total: 24_000 },
};

/** Per village and day at factor 1. */
const RATES = { consignments: 0.33, downParcels: 1.5, upShare: 1 / 30, batchEveryDays: 7 };
const CHANNEL_WEIGHTS: Array<['STORE' | 'ONLINE' | 'LIVESTREAM', number]> = [['STORE', 0.45], ['ONLINE', 0.35], ['LIVESTREAM', 0.2]];
const CARRIER_WEIGHTS: Record<string, number> = { EMS: 0.22, ZTO: 0.2, YTO: 0.16, JT: 0.14, YD: 0.1, STO: 0.08, SF: 0.05, JD: 0.04, DB: 0.01 };
/** What one pack of each product's SKU holds, in base units, and its name. */
const SKU_PACKS: Record<string, { content: number; name: string }> = {
  EGG: { content: 10, name: '土鸡蛋 10枚装' }, TZC: { content: 500, name: '坛子菜 500克坛' }, DFR: { content: 1, name: '豆腐乳 1瓶' },
  GDJ: { content: 250, name: '干豆角 250克袋' }, CB: { content: 10, name: '糍粑 10个装' }, NQ: { content: 500, name: '泥鳅 500克' },
  TJ: { content: 1000, name: '土鸡 1公斤装' }, TZR: { content: 500, name: '土猪肉 500克' }, SG: { content: 500, name: '丝瓜 500克' },
};
/** Typical line size in display units (min, max) and the share of lines per product. */
const LINE_SIZES: Record<string, { min: number; max: number; weight: number }> = {
  EGG: { min: 30, max: 300, weight: 0.24 }, TZC: { min: 2, max: 20, weight: 0.12 }, DFR: { min: 4, max: 30, weight: 0.08 },
  GDJ: { min: 1, max: 8, weight: 0.1 }, CB: { min: 20, max: 120, weight: 0.08 }, NQ: { min: 2, max: 12, weight: 0.06 },
  TJ: { min: 3, max: 9, weight: 0.12 }, TZR: { min: 5, max: 40, weight: 0.1 }, SG: { min: 5, max: 40, weight: 0.1 },
};
const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3600_000;

/** mulberry32: small, fast, deterministic. */
function makeRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const between = (min: number, max: number) => min + int(max - min + 1);
  /** a count with mean `mean` (Poisson for small means) */
  const count = (mean: number) => {
    if (mean > 30) return Math.max(0, Math.round(mean + (next() + next() + next() - 1.5) * Math.sqrt(mean) * 2));
    const l = Math.exp(-mean);
    let k = 0;
    let p = next();
    while (p > l) { k++; p *= next(); }
    return k;
  };
  const hex = (n: number) => { let s = ''; while (s.length < n) s += (int(0x10000) + 0x10000).toString(16).slice(1); return s.slice(0, n); };
  const uuid = () => { const h = hex(32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`; };
  const pick = <T>(weighted: Array<[T, number]>): T => {
    let r = next();
    for (const [v, w] of weighted) { if ((r -= w) < 0) return v; }
    return weighted[weighted.length - 1][0];
  };
  return { next, int, between, count, uuid, pick, hex };
}
type Rng = ReturnType<typeof makeRng>;

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** The instant of Asia/Shanghai local time `hours` (fractional) on a business day. */
const at = (day: string, hours: number) => new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_MS + Math.round(hours * 3600_000));
const dayOf = (d: Date) => new Date(d.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type Village = { id: string; code: string; name: string; path: string; index: number; countyIndex: number; townshipName: string };
type Point = { id: string; code: string; village: Village; agentId: string; companyId: string };
type County = { id: string; name: string; path: string; warehouseId: string; staffId: string; points: Point[]; channels: Record<string, Channel> };
type Channel = { id: string; kind: 'STORE' | 'ONLINE' | 'LIVESTREAM'; shows: Array<{ id: string; startDay: string; bp: number }> };
type Farmer = { id: string; name: string; phone: string; pointIndex: number; payout: string; showName: boolean };
type Product = DemoProduct & { id: string; skuId: string; content: number; unitSize: number; unitName: string; priceOf: Map<string, { fen: number; unitSize: number; unitName: string }>; retailFen: number; checklist: Record<string, boolean> };
type Line = {
  id: string; consignmentId: string; farmer: Farmer; point: Point; product: Product; capturedAt: Date; checkedAt: Date; qcId: string;
  grades: string[]; checklist: string; acceptedBase: number; acceptedFen: number; batchItemId?: string;
  /** what the warehouse counted in good order (accepted less transit damage and loss) */
  receivedBase?: number;
  /** the consignment_line row, written once the line's batch state is known */
  row?: unknown[];
  /** on a consignment's first line: the consignment row */
  consignmentRow?: unknown[];
};
type Lot = { id: string; product: Product; packs: number; packedAt: Date; bestBefore: string; contributors: Array<{ line: Line; base: number }>; row: unknown[] };
type Posting = { at: Date; kind: string; sourceKey: string; meta: Record<string, unknown> | null; lines: EntryLine[]; reason?: string | null; createdBy?: string | null };
type EntryLine = {
  account: string; amountFen: number; kind?: string; pointId?: string | null; productId?: string | null; gradeCode?: string | null; quantityBase?: number | null;
  unitPriceFen?: number | null; priceUnitSizeBase?: number | null; channel?: string | null; occurredAt?: Date | null; description?: string | null;
};

const TABLES_WITH_IDS = [
  'region', 'commerce_point', 'warehouse', 'staff_user', 'company', 'farmer', 'product', 'product_price', 'sku', 'commission_rule', 'sales_channel',
  'livestream_show', 'consignment', 'consignment_line', 'quality_check', 'quality_check_grade', 'quality_check_reject', 'batch', 'batch_item',
  'batch_receipt', 'batch_receipt_line', 'transit_loss', 'processing_record', 'processing_input', 'lot', 'lot_provenance', 'sale', 'sale_line', 'sale_allocation',
  'ledger_account', 'ledger_posting', 'ledger_entry', 'settlement_run', 'payout_statement', 'payout', 'down_parcel', 'up_parcel',
] as const;
type IdTable = typeof TABLES_WITH_IDS[number];

export async function generateScale(conn: Connection, o: GenerateOptions, more: Connection[] = []): Promise<GenerateReport> {
  const t0 = performance.now();
  const rng = makeRng(o.seed);
  // Globally unique values (client ids, trace codes) come from their own stream, seeded by the company
  // too: two companies generated with one seed get the same data but never the same unique keys.
  const urng = makeRng((o.seed ^ Number.parseInt(sha(o.companyCode).slice(0, 8), 16)) >>> 0);
  // The bulk load's own ids are unique by construction; the CLI skips the server's checks, tests keep them.
  if (o.relaxChecks) for (const c of [conn, ...more]) await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
  const [[exists]] = await conn.query('SELECT COUNT(*) AS n FROM company WHERE code = ?', [o.companyCode]) as unknown as [[{ n: number }]];
  if (Number(exists.n) > 0) throw new Error(`company ${o.companyCode} already exists in this database (use --reseed or another --seed)`);
  const [[codeTaken]] = await conn.query('SELECT COUNT(*) AS n FROM region WHERE code = ?', [`${o.provinceCode}0000000000`]) as unknown as [[{ n: number }]];
  if (Number(codeTaken.n) > 0) throw new Error(`region code ${o.provinceCode}0000000000 exists already (use another --province-code)`);

  const next = new Map<IdTable, number>();
  for (const t of TABLES_WITH_IDS) {
    const [[r]] = await conn.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${t}`) as unknown as [[{ m: string | number }]];
    next.set(t, Number(r.m) + 1);
  }
  const id = (t: IdTable) => { const v = next.get(t)!; next.set(t, v + 1); return String(v); };
  const [carrierRows] = await conn.query('SELECT id, code FROM carrier') as unknown as [Array<{ id: string; code: string }>];
  const carriers = carrierRows.filter((c) => CARRIER_WEIGHTS[c.code] !== undefined).map((c) => ({ id: String(c.id), code: c.code, w: CARRIER_WEIGHTS[c.code] }));
  const carrierPick: Array<[typeof carriers[number], number]> = carriers.map((c) => [c, c.w / carriers.reduce((s, x) => s + x.w, 0)]);

  const w = new BulkWriter([conn, ...more]);
  declareTables(w);
  const startDay = addDays(o.endDay, -(o.days - 1));
  const endInstant = at(addDays(o.endDay, 1), 0);
  const prefix = o.companyCode.toLowerCase();

  // ---- organisation -------------------------------------------------------------------------
  const companyId = id('company');
  w.add('company', [companyId, o.companyCode, `湖南村级电商服务有限公司（${o.scale}）`, 1]);
  const admin = id('staff_user');
  const adminUsername = `${prefix}_admin`;
  w.add('staff_user', [admin, companyId, adminUsername, '系统管理员', null, o.passwordHash, 'ADMIN', null, 1]);
  const shape = SHAPES[o.scale];
  const target = Math.min(o.villages ?? shape.total, shape.total);
  const region = (parentPath: string | null, parentId: string | null, level: string, code: string, name: string) => {
    const rid = id('region');
    const path = `${parentPath ?? '/'}${rid}/`;
    w.add('region', [rid, parentId, level, code, name, path]);
    return { id: rid, path };
  };
  const province = region(null, null, 'PROVINCE', `${o.provinceCode}0000000000`, '湖南省');
  const counties: County[] = [];
  const villages: Village[] = [];
  const agentUsernames: string[] = [];
  const points: Point[] = [];
  const cityCount = o.scale === 'province' ? shape.cities : 1;
  outer: for (let ci = 0; ci < cityCount; ci++) {
    const cityMeta = HUNAN_CITIES[ci];
    const city = region(province.path, province.id, 'CITY', `${o.provinceCode}${cityMeta.code}00000000`, cityMeta.name);
    const manager = id('staff_user');
    w.add('staff_user', [manager, companyId, `${prefix}_mgr_c${ci + 1}`, `${cityMeta.name}区域经理`, null, o.passwordHash, 'REGION_MANAGER', city.id, 1]);
    for (let ki = 0; ki < shape.counties; ki++) {
      if (villages.length >= target) break outer;
      const meta = ci === 0 && ki < YIYANG_COUNTIES.length ? YIYANG_COUNTIES[ki] : { code: String(21 + ki).padStart(2, '0'), name: `${placeName(ci * 7 + ki * 3 + 11)}县` };
      const countyCode = `${o.provinceCode}${cityMeta.code}${meta.code}`;
      const county = region(city.path, city.id, 'COUNTY', `${countyCode}000000`, meta.name);
      const warehouseId = id('warehouse');
      w.add('warehouse', [warehouseId, companyId, county.id, `W${countyCode}`, `${meta.name}仓储配送中心`, `${cityMeta.name}${meta.name}工业园`, 1]);
      const staffId = id('staff_user');
      w.add('staff_user', [staffId, companyId, `${prefix}_wh_${countyCode}`, `${meta.name}仓管员`, null, o.passwordHash, 'WAREHOUSE_STAFF', null, 1]);
      w.add('user_warehouse_assignment', [staffId, warehouseId]);
      const c: County = { id: county.id, name: meta.name, path: county.path, warehouseId, staffId, points: [], channels: {} };
      counties.push(c);
      for (let ti = 0; ti < shape.townships; ti++) {
        if (villages.length >= target) break outer;
        const tName = ci === 0 && ki === 0 && ti < TAOJIANG_TOWNSHIPS.length ? TAOJIANG_TOWNSHIPS[ti] : `${placeName(ti * 13 + ki * 5 + ci)}${ti % 4 === 3 ? '乡' : '镇'}`;
        const tCode = `${countyCode}${String(101 + ti).padStart(3, '0')}`;
        const township = region(county.path, county.id, 'TOWNSHIP', `${tCode}000`, tName);
        for (let vi = 0; vi < shape.villages; vi++) {
          if (villages.length >= target) break outer;
          const vName = `${placeName(villages.length * 7 + vi)}村`;
          const vCode = `${tCode}${String(201 + vi).padStart(3, '0')}`;
          const v = region(township.path, township.id, 'VILLAGE', vCode, vName);
          const village: Village = { id: v.id, code: vCode, name: vName, path: v.path, index: villages.length, countyIndex: counties.length - 1, townshipName: tName };
          villages.push(village);
          const pointId = id('commerce_point');
          const pointCode = `V${vCode.slice(4)}`;
          w.add('commerce_point', [pointId, companyId, v.id, v.path, pointCode, `${vName}商务服务点`, `${vName}党群服务中心`, `${meta.name}${tName}${vName}党群服务中心`,
            `138${String(village.index).padStart(8, '0')}`, '08:00-18:00', 1]);
          const agentId = id('staff_user');
          const username = `${prefix}_a${village.index + 1}`;
          agentUsernames.push(username);
          w.add('staff_user', [agentId, companyId, username, `${vName}代办员`, `137${String(village.index).padStart(8, '0')}`, o.passwordHash, 'AGENT', null, 1]);
          w.add('user_point_assignment', [agentId, pointId]);
          const point: Point = { id: pointId, code: pointCode, village, agentId, companyId };
          points.push(point);
          c.points.push(point);
        }
      }
    }
  }
  o.log(`organisation: ${villages.length} villages, ${counties.length} counties`);

  // ---- catalog, commission rules, channels ---------------------------------------------------
  const pricesFrom = at(addDays(startDay, -30), 0);
  const products: Product[] = DEMO_PRODUCTS.map((p) => {
    const pid = id('product');
    w.add('product', [pid, companyId, p.code, p.name, p.category, p.baseUnit, JSON.stringify(p.units), JSON.stringify(p.grades), JSON.stringify(p.qcChecklist),
      p.shelfLifeDays, p.settlementMode, p.maxQuantityBasePerLine, 1, 30, null]);
    const priceOf = new Map<string, { fen: number; unitSize: number; unitName: string }>();
    for (const pr of p.prices) {
      const unit = p.units.find((u) => u.name === pr.unitName)!;
      w.add('product_price', [id('product_price'), pid, pr.gradeCode, pr.unitName, unit.baseUnitsPerDisplayUnit, pr.priceFen, pricesFrom, null, admin]);
      priceOf.set(pr.gradeCode, { fen: pr.priceFen, unitSize: unit.baseUnitsPerDisplayUnit, unitName: pr.unitName });
    }
    const pack = SKU_PACKS[p.code];
    const skuId = id('sku');
    w.add('sku', [skuId, companyId, pid, `SKU-${p.code}`, pack.name, p.baseUnit, pack.content, 1]);
    const a = priceOf.get('A')!;
    // Retail: about 1.6 × the farmer price of grade A, rounded to 10 fen.
    const retailFen = Math.max(100, Math.round((lineAmountFen(a.fen, pack.content, a.unitSize) * 1.6) / 10) * 10);
    for (const channel of ['PURCHASE', 'STORE', 'ONLINE', 'LIVESTREAM']) {
      w.add('commission_rule', [id('commission_rule'), companyId, pid, channel, 'PERCENT', 0, 1, 300, 100, pricesFrom, null, admin]);
    }
    const unit = p.units[0];
    return { ...p, id: pid, skuId, content: pack.content, unitSize: unit.baseUnitsPerDisplayUnit, unitName: unit.name, priceOf, retailFen,
      checklist: Object.fromEntries(p.qcChecklist.map((c) => [c.key, true])) };
  });
  const terms: CommissionTerms = { agentMode: CommissionMode.PERCENT, agentFenPerUnit: 0, unitSizeBase: 1, agentBasisPoints: 300, collectiveBasisPoints: 100 };
  const productWeights: Array<[Product, number]> = products.map((p) => [p, LINE_SIZES[p.code].weight]);
  for (const c of counties) {
    for (const [kind, suffix, platform] of [['STORE', '门店', null], ['ONLINE', '拼多多旗舰店', '拼多多'], ['LIVESTREAM', '抖音直播间', '抖音']] as const) {
      const chId = id('sales_channel');
      w.add('sales_channel', [chId, companyId, kind, `${c.name}${suffix}`, platform, platform ? `${c.name}土特产` : null, c.warehouseId, 1]);
      const shows: Channel['shows'] = [];
      if (kind === 'LIVESTREAM') {
        for (let d = 0; d < o.days; d += 7) {
          const showId = id('livestream_show');
          const day = addDays(startDay, d);
          shows.push({ id: showId, startDay: day, bp: 800 });
          w.add('livestream_show', [showId, companyId, chId, `${c.name}乡村主播`, '抖音', at(day, 19), at(addDays(day, 6), 22), 800]);
        }
      }
      c.channels[kind] = { id: chId, kind, shows };
    }
  }
  await w.flush();

  // ---- ledger state, kept in memory and written at the end -----------------------------------
  const accounts = new Map<string, { id: string; ownerType: string; ownerId: string; type: string; balance: number }>();
  const account = (ownerType: string, ownerId: string, type: string) => {
    const key = `${ownerType}:${ownerId}:${type}`;
    let a = accounts.get(key);
    if (!a) { a = { id: id('ledger_account'), ownerType, ownerId, type, balance: 0 }; accounts.set(key, a); }
    return a.id;
  };
  const balances = new Map<string, number>();
  const SETTLEABLE = new Set(['EARNING', 'CHARGEBACK', 'ADJUSTMENT', 'REVERSAL', 'PAYOUT_REVERSAL']);
  /** per farmer account: settleable entries after its cursor */
  const open = new Map<string, { farmerId: string; pointId: string; from: number; sum: number; count: number; last: number }>();
  const farmerAccount = new Map<string, string>();
  const writePosting = (p: Posting) => {
    const sum = p.lines.reduce((s, l) => s + l.amountFen, 0);
    if (sum !== 0) throw new Error(`posting ${p.sourceKey} does not sum to zero (${sum})`);
    const postingId = id('ledger_posting');
    w.add('ledger_posting', [postingId, companyId, p.sourceKey, p.kind, null, p.reason ?? null, p.meta ? JSON.stringify(p.meta) : null, p.createdBy ?? null, p.at]);
    for (const l of p.lines) {
      const entryId = id('ledger_entry');
      const kind = l.kind ?? p.kind;
      w.add('ledger_entry', [entryId, postingId, companyId, l.account, kind, l.amountFen, l.pointId ?? null, l.productId ?? null, l.gradeCode ?? null,
        l.quantityBase ?? null, l.unitPriceFen ?? null, l.priceUnitSizeBase ?? null, l.channel ?? null, l.occurredAt ?? null, l.description ?? null, p.at]);
      balances.set(l.account, (balances.get(l.account) ?? 0) + l.amountFen);
      const o2 = open.get(l.account);
      if (o2 && SETTLEABLE.has(kind)) { o2.sum += l.amountFen; o2.count++; o2.last = Number(entryId); }
    }
  };
  const farmerAcc = (f: Farmer, p: Point) => {
    let a = farmerAccount.get(f.id);
    if (!a) {
      a = account('FARMER', f.id, 'FARMER_PAYABLE');
      farmerAccount.set(f.id, a);
      open.set(a, { farmerId: f.id, pointId: p.id, from: 0, sum: 0, count: 0, last: 0 });
    }
    return a;
  };
  const company = (type: string) => account('COMPANY', '0', type);

  // Settlement runs: one per complete month, company-wide; the last one waits for approval.
  const runs: Array<{ id: string; throughDay: string; cutoff: Date; createdAt: Date; approved: boolean; count: number; total: number }> = [];
  for (let m = 0; ; m++) {
    const first = `${startDay.slice(0, 7)}-01`;
    const monthStart = new Date(Date.UTC(Number(first.slice(0, 4)), Number(first.slice(5, 7)) - 1 + m + 1, 1));
    const throughDay = addDays(monthStart.toISOString().slice(0, 10), -1);
    if (throughDay >= o.endDay) break;
    if (throughDay < startDay) continue;
    runs.push({ id: id('settlement_run'), throughDay, cutoff: at(addDays(throughDay, 1), 0), createdAt: at(addDays(throughDay, 1), 2), approved: true, count: 0, total: 0 });
  }
  if (runs.length) runs[runs.length - 1].approved = false;

  const parcelRegion = new Map<string, number[]>(); // company-wide roll-up above township level
  let farmerSerial = 0;

  for (const [ci, county] of counties.entries()) {
    const tc = performance.now();
    // ---- farmers ----
    const farmersByPoint: Farmer[][] = county.points.map(() => []);
    const farmerById = new Map<string, Farmer>();
    const agentOfPoint = new Map(county.points.map((p) => [p.id, p.agentId]));
    county.points.forEach((p, pi) => {
      for (let k = 0; k < o.farmersPerVillage; k++) {
        const fid = id('farmer');
        const serial = farmerSerial++;
        const name = `${SURNAMES[rng.int(SURNAMES.length)]}${GIVEN_NAMES[rng.int(GIVEN_NAMES.length)]}`;
        const phone = `1${[3, 5, 7, 8, 9][serial % 5]}${String(Math.floor(serial / 5)).padStart(9, '0')}`;
        const payout = rng.pick<string>([['WECHAT_PAY', 0.45], ['CASH', 0.25], ['ALIPAY', 0.15], ['BANK_CARD', 0.15]]);
        const f: Farmer = { id: fid, name, phone, pointIndex: pi, payout, showName: rng.next() < 0.3 };
        farmersByPoint[pi].push(f);
        farmerById.set(fid, f);
        w.add('farmer', [fid, companyId, name, phone, p.village.id, p.id, payout, payout === 'BANK_CARD' ? '益阳农村商业银行' : null, 1, rng.next() < 0.06 ? 1 : 0, 1, p.agentId,
          f.showName ? 1 : 0, at(startDay, -30 + rng.next() * 24)]);
      }
    });
    await w.pump();

    // ---- consignments, QC, batches, processing into lots ----
    const postings: Posting[] = [];
    const lots: Lot[] = [];
    for (const [pi, point] of county.points.entries()) {
      const farmers = farmersByPoint[pi];
      // Active households: a third of the village brings most of the goods.
      const regulars = farmers.slice(0, Math.max(1, Math.ceil(farmers.length / 3)));
      let pending: Line[] = [];
      const batchOffset = rng.int(RATES.batchEveryDays);
      for (let d = 0; d < o.days; d++) {
        const day = addDays(startDay, d);
        const month = Number(day.slice(5, 7));
        const season = month >= 11 || month <= 2 ? 1.4 : month >= 6 && month <= 8 ? 0.8 : 1;
        const n = rng.count(RATES.consignments * o.factor * season);
        for (let k = 0; k < n; k++) {
          const farmer = rng.next() < 0.75 ? regulars[rng.int(regulars.length)] : farmers[rng.int(farmers.length)];
          const cid = id('consignment');
          const capturedAt = at(day, 8 + rng.next() * 8);
          const receivedAt = new Date(capturedAt.getTime() + 1000 + rng.int(20_000));
          const lineCount = rng.pick<number>([[1, 0.6], [2, 0.3], [3, 0.1]]);
          const used = new Set<string>();
          let estimated = 0;
          const lines: Line[] = [];
          for (let ln = 1; ln <= lineCount; ln++) {
            let product = rng.pick(productWeights);
            if (used.has(product.code)) product = products.find((p) => !used.has(p.code))!;
            used.add(product.code);
            const size = LINE_SIZES[product.code];
            const qtyDisplay = rng.between(size.min, size.max);
            const qtyBase = Math.min(qtyDisplay * product.unitSize, product.maxQuantityBasePerLine);
            const declared = product.priceOf.has('B') && rng.next() < 0.15 ? 'B' : 'A';
            const price = product.priceOf.get(declared)!;
            const est = lineAmountFen(price.fen, qtyBase, price.unitSize);
            estimated += est;
            // QC: most lines accepted whole; some partly rejected or downgraded; a few rejected whole.
            const r = rng.next();
            let rejected = 0;
            let downgraded = 0;
            if (r < 0.01) rejected = qtyBase;
            else if (r < 0.07) rejected = Math.max(1, Math.floor(qtyBase * (0.05 + rng.next() * 0.2)));
            else if (r < 0.1 && declared === 'A' && product.priceOf.has('B')) downgraded = Math.max(1, Math.floor(qtyBase * (0.1 + rng.next() * 0.3)));
            const lineId = id('consignment_line');
            const qcId = id('quality_check');
            const checkedAt = new Date(receivedAt.getTime() + (5 + rng.int(90)) * 60_000);
            const grades: Array<{ code: string; base: number }> = [];
            const acceptedBase = qtyBase - rejected;
            if (acceptedBase - downgraded > 0) grades.push({ code: declared, base: acceptedBase - downgraded });
            if (downgraded > 0) grades.push({ code: 'B', base: downgraded });
            let acceptedFen = 0;
            const checklist = { ...product.checklist };
            if (rejected > 0) checklist[product.qcChecklist[0].key] = false;
            for (const g of grades) {
              const gp = product.priceOf.get(g.code)!;
              const amount = lineAmountFen(gp.fen, g.base, gp.unitSize);
              acceptedFen += amount;
              const gradeId = id('quality_check_grade');
              w.add('quality_check_grade', [gradeId, qcId, lineId, g.code, g.base, gp.fen, gp.unitSize, amount, product.settlementMode]);
              if (product.settlementMode === 'PURCHASE') {
                const split = splitCommission(terms, g.base, amount);
                const detail = { pointId: point.id, productId: product.id, gradeCode: g.code, quantityBase: g.base, unitPriceFen: gp.fen, priceUnitSizeBase: gp.unitSize, channel: 'PURCHASE', occurredAt: capturedAt };
                const lns: EntryLine[] = [
                  { account: farmerAcc(farmer, point), amountFen: split.farmerAmountFen, ...detail, description: '收购入库 accepted at QC' },
                  { account: company('GOODS_COST'), amountFen: -split.farmerAmountFen, ...detail },
                ];
                if (split.agentCommissionFen) lns.push(
                  { account: account('AGENT', point.agentId, 'COMMISSION_PAYABLE'), amountFen: split.agentCommissionFen, kind: 'COMMISSION', ...detail },
                  { account: company('COMMISSION_COST'), amountFen: -split.agentCommissionFen, kind: 'COMMISSION', ...detail });
                if (split.collectiveShareFen) lns.push(
                  { account: account('VILLAGE_COLLECTIVE', point.village.id, 'COLLECTIVE_PAYABLE'), amountFen: split.collectiveShareFen, kind: 'COLLECTIVE_SHARE', ...detail },
                  { account: company('COMMISSION_COST'), amountFen: -split.collectiveShareFen, kind: 'COLLECTIVE_SHARE', ...detail });
                postings.push({ at: new Date(checkedAt.getTime() + 2000), kind: 'EARNING', sourceKey: `qc-grade:${gradeId}`, lines: lns,
                  meta: { consignmentId: cid, lineId, qualityCheckGradeId: gradeId, commissionRuleId: null } });
              }
            }
            if (rejected > 0) {
              const rr = REJECT_REASONS[rng.int(REJECT_REASONS.length)];
              w.add('quality_check_reject', [id('quality_check_reject'), qcId, lineId, rr.reason, rejected, rr.note, rng.next() < 0.7 ? 'RETURNED_TO_FARMER' : 'DISCARDED_WITH_CONSENT']);
            }
            w.add('quality_check', [qcId, cid, lineId, 1, sha(`qc:${qcId}`), point.agentId, checkedAt, acceptedBase, rejected, null, JSON.stringify(checklist), null, null, checkedAt]);
            const line: Line = { id: lineId, consignmentId: cid, farmer, point, product, capturedAt, checkedAt, qcId, grades: grades.map((g) => g.code).sort(),
              checklist: JSON.stringify(checklist), acceptedBase, acceptedFen };
            lines.push(line);
            line.row = [lineId, cid, ln, product.id, declared, String(qtyDisplay), product.unitName, product.unitSize, qtyBase, price.fen,
              price.unitName, price.unitSize, product.settlementMode, est, '?', acceptedBase, rejected, 0, acceptedFen];
          }
          lines[0].consignmentRow = [cid, companyId, point.id, farmer.id, urng.uuid(), sha(`c:${cid}`), `${point.code}-${day.replace(/-/g, '')}-${String(k + 1).padStart(4, '0')}`,
            day, capturedAt, receivedAt, '?', lineCount, estimated, null, point.agentId, receivedAt];
          pending.push(...lines);
        }
        if (n > 0) w.add('receipt_counter', [point.id, day, n]);
        // Every batchEveryDays days the point sends its inspected goods to the county warehouse.
        const isBatchDay = (d + batchOffset) % RATES.batchEveryDays === RATES.batchEveryDays - 1 && d < o.days - 2;
        if (isBatchDay || d === o.days - 1) {
          const batchable = isBatchDay ? pending.filter((l) => l.acceptedBase > 0) : [];
          if (batchable.length) makeBatch(point, county, day, batchable);
          // write consignments and lines of this window now that their states are known
          const byConsignment = new Map<string, Line[]>();
          for (const l of pending) { const list = byConsignment.get(l.consignmentId) ?? []; list.push(l); byConsignment.set(l.consignmentId, list); }
          for (const list of byConsignment.values()) {
            const batched = isBatchDay && list.some((l) => l.acceptedBase > 0);
            for (const l of list) {
              const row = l.row!;
              row[14] = batched && l.acceptedBase > 0 ? 'BATCHED' : 'INSPECTED';
              row[17] = batched ? l.acceptedBase : 0;
              w.add('consignment_line', row);
            }
            const head = list.find((l) => l.consignmentRow);
            if (head?.consignmentRow) { head.consignmentRow[10] = batched ? 'BATCHED' : 'INSPECTED'; w.add('consignment', head.consignmentRow); }
          }
          pending = [];
          await w.pump();
        }
      }
    }

    function makeBatch(point: Point, c: County, day: string, items: Line[]) {
      const batchId = id('batch');
      const createdAt = at(day, 18);
      const sealedAt = at(day, 18.5);
      const departedAt = at(addDays(day, 1), 8);
      const receivedAt = at(addDays(day, 1), 14);
      const byProduct = new Map<string, { productId: string; quantityBase: number; lineCount: number }>();
      for (const l of items) {
        const t = byProduct.get(l.product.id) ?? { productId: l.product.id, quantityBase: 0, lineCount: 0 };
        t.quantityBase += l.acceptedBase; t.lineCount++; byProduct.set(l.product.id, t);
      }
      const totals = { lineCount: items.length, farmerCount: new Set(items.map((l) => l.farmer.id)).size, products: [...byProduct.values()] };
      w.add('batch', [batchId, companyId, point.id, c.warehouseId, urng.uuid(), `${point.code}-${day.replace(/-/g, '')}-B${batchId}`, 'CLOSED', null, point.agentId,
        sealedAt, point.agentId, JSON.stringify(totals), departedAt, point.agentId, `湘H${String(10000 + rng.int(89999))}`, '司机', `136${String(rng.int(1e8)).padStart(8, '0')}`,
        'COMPANY_TRUCK', null, departedAt, receivedAt, receivedAt, receivedAt, c.staffId, createdAt]);
      const receiptId = id('batch_receipt');
      w.add('batch_receipt', [receiptId, batchId, urng.uuid(), c.staffId, items.length, null, receivedAt]);
      const processedAt = at(addDays(day, 2), 10);
      // A few lines arrive damaged, spoiled or short (the company bears transit losses by default).
      const damage = new Map<string, { damaged: number; lost: number; cause: string }>();
      for (const l of items) {
        l.batchItemId = id('batch_item');
        let damaged = 0;
        let lost = 0;
        const r = rng.next();
        const part = Math.max(1, Math.floor(l.acceptedBase * (0.02 + rng.next() * 0.08)));
        if (l.acceptedBase > 1 && r < 0.03) {
          const cause = r < 0.015 ? 'DAMAGED' : r < 0.024 ? 'SPOILED' : 'LOST';
          if (cause === 'LOST') lost = Math.min(part, l.acceptedBase - 1); else damaged = Math.min(part, l.acceptedBase - 1);
          damage.set(l.id, { damaged, lost, cause });
          w.add('transit_loss', [id('transit_loss'), batchId, l.batchItemId, receiptId, l.id, l.farmer.id, l.product.id, cause, damaged + lost, 'COMPANY', null, receivedAt]);
        }
        l.receivedBase = l.acceptedBase - damaged - lost;
        w.add('batch_receipt_line', [id('batch_receipt_line'), receiptId, l.batchItemId, l.receivedBase, damaged, lost]);
      }
      // One packing per product of the batch: its items in, one lot of the product's SKU out.
      const groups = new Map<string, Line[]>();
      for (const l of items) { const g = groups.get(l.product.id) ?? []; g.push(l); groups.set(l.product.id, g); }
      const processed = new Set<string>();
      for (const group of groups.values()) {
        const product = group[0].product;
        const input = group.reduce((s, l) => s + l.receivedBase!, 0);
        const packs = Math.floor(input / product.content);
        if (packs === 0) continue; // too little to pack: stays received, unprocessed
        const loss = input - packs * product.content;
        const procId = id('processing_record');
        w.add('processing_record', [procId, companyId, c.warehouseId, urng.uuid(), sha(`p:${procId}`), 'PACKING', product.id, input, packs * product.content, loss,
          loss > 0 ? '分拣损耗 sorting loss' : null, null, processedAt, c.staffId, processedAt]);
        const lotId = id('lot');
        const earliest = new Date(Math.min(...group.map((l) => l.capturedAt.getTime())));
        const bestBefore = addDays(dayOf(earliest), product.shelfLifeDays);
        const shares = apportion(group.map((l) => l.receivedBase!), [packs * product.content, loss]);
        const contributors: Array<{ line: Line; base: number }> = [];
        group.forEach((l, i) => {
          processed.add(l.id);
          w.add('processing_input', [id('processing_input'), procId, l.batchItemId, l.id, l.farmer.id, l.receivedBase]);
          if (shares[i][0] > 0) {
            w.add('lot_provenance', [id('lot_provenance'), lotId, l.id, l.farmer.id, l.batchItemId, shares[i][0]]);
            contributors.push({ line: l, base: shares[i][0] });
          }
        });
        const trace = {
          contributors: contributors.slice(0, 500).map((x) => ({
            farmerId: x.line.farmer.id, maskedName: maskName(x.line.farmer.name), village: x.line.point.village.name, intakeDate: dayOf(x.line.capturedAt),
            quantityBase: x.base, qc: { grades: x.line.grades, checklist: JSON.parse(x.line.checklist), checkedDate: dayOf(x.line.checkedAt) },
          })),
        };
        let traceCode = '';
        for (let k = 0; k < 12; k++) traceCode += TRACE_ALPHABET[urng.int(TRACE_ALPHABET.length)];
        lots.push({ id: lotId, product, packs, packedAt: processedAt, bestBefore, contributors, row: [lotId, companyId, c.warehouseId, product.skuId, product.id, procId, `L${dayOf(processedAt).replace(/-/g, '')}-${lotId}`,
          traceCode, packs, packs, 0, 0, earliest, bestBefore, processedAt, null, processedAt, JSON.stringify(trace)] });
      }
      for (const l of items) {
        const d = damage.get(l.id);
        w.add('batch_item', [l.batchItemId, batchId, l.id, l.consignmentId, l.farmer.id, l.product.id, l.acceptedBase, l.receivedBase, d?.damaged ?? 0, d?.lost ?? 0, 0, null, 1,
          processed.has(l.id) ? l.receivedBase : 0, 0]);
      }
    }

    // ---- sales: each lot sells over its shelf life in a few sale lines, through the three channels ----
    type PlannedSaleLine = { lot: Lot; channel: Channel; soldAt: Date; packs: number; unitPriceFen: number; showBp: number; showId: string | null;
      allocations: Array<{ line: Line; quantityBase: number; revenueFen: number; farmerFen: number; agentFen: number; collectiveFen: number }>;
      farmerFen: number; commissionFen: number; hostFen: number; marginFen: number };
    const saleLines: PlannedSaleLine[] = [];
    const lotStates: unknown[][] = [];
    for (const lot of lots) {
      const packedDay = dayOf(lot.packedAt);
      const lastDay = [addDays(lot.bestBefore, -1), o.endDay].sort()[0];
      const row = lot.row;
      if (lastDay < packedDay) { w.add('lot', row); continue; }
      const span = Math.max(0, (Date.parse(lastDay) - Date.parse(packedDay)) / DAY_MS);
      const sellPacks = Math.min(lot.packs, Math.round(lot.packs * (0.8 + rng.next() * 0.2)));
      const parts = Math.min(sellPacks, rng.pick<number>([[1, 0.35], [2, 0.4], [3, 0.25]]));
      const contributors = lot.contributors.map((x) => ({ ...x, allocatedBase: 0, allocatedFen: 0 }));
      const dayOffsets = Array.from({ length: parts }, () => rng.int(Math.min(span, Math.max(1, lot.product.shelfLifeDays / 2)) + 1)).sort((a, b) => a - b);
      let left = sellPacks;
      let soldPacks = 0;
      for (let k = 0; k < parts; k++) {
        const packs = k === parts - 1 ? left : Math.max(1, Math.round(sellPacks / parts));
        if (packs <= 0 || left <= 0) break;
        left -= packs;
        const kind = rng.pick(CHANNEL_WEIGHTS);
        const channel = county.channels[kind];
        const soldDay = addDays(packedDay, dayOffsets[k]);
        const soldAt = kind === 'LIVESTREAM' ? at(soldDay, 19.5 + rng.next() * 2.5) : at(soldDay, 9 + rng.next() * 12);
        if (soldAt.getTime() <= lot.packedAt.getTime() || soldAt >= endInstant) continue;
        const show = kind === 'LIVESTREAM' ? channel.shows.filter((s) => s.startDay <= soldDay).pop() ?? null : null;
        const unitPriceFen = kind === 'ONLINE' ? lot.product.retailFen + 200 : lot.product.retailFen;
        const unitsBase = packs * lot.product.content;
        const revenueFen = packs * unitPriceFen;
        // The allocation service's arithmetic, on the lot's cumulative state (allocation.service.ts).
        const cumulative = contributors.reduce((s, c) => s + c.allocatedBase, 0) + unitsBase;
        const deltas = cumulativeDeltas(contributors.map((c) => c.base), contributors.map((c) => c.allocatedBase), cumulative);
        const revenue = apportionAmount(revenueFen, deltas);
        const allocations: PlannedSaleLine['allocations'] = [];
        contributors.forEach((c, i) => {
          if (deltas[i] === 0) return;
          let farmerFen = 0;
          if (c.line.product.settlementMode === 'CONSIGNMENT' && c.line.acceptedBase > 0) {
            const cumFen = lineAmountFen(c.line.acceptedFen, c.allocatedBase + deltas[i], c.line.acceptedBase);
            farmerFen = cumFen - c.allocatedFen;
            c.allocatedFen = cumFen;
          }
          c.allocatedBase += deltas[i];
          const split = c.line.product.settlementMode === 'CONSIGNMENT' ? splitCommission(terms, deltas[i], farmerFen) : { agentCommissionFen: 0, collectiveShareFen: 0 };
          allocations.push({ line: c.line, quantityBase: deltas[i], revenueFen: revenue[i], farmerFen, agentFen: split.agentCommissionFen, collectiveFen: split.collectiveShareFen });
        });
        const farmerFen = allocations.reduce((s, a) => s + a.farmerFen, 0);
        const commissionFen = allocations.reduce((s, a) => s + a.agentFen + a.collectiveFen, 0);
        const hostFen = percentOfFen(revenueFen, show?.bp ?? 0);
        soldPacks += packs;
        saleLines.push({ lot, channel, soldAt, packs, unitPriceFen, showBp: show?.bp ?? 0, showId: show?.id ?? null, allocations, farmerFen, commissionFen, hostFen,
          marginFen: revenueFen - farmerFen - commissionFen - hostFen });
      }
      // on hand = produced − sold (a sale that would fall after the period's end stays on hand)
      row[9] = lot.packs - soldPacks;
      w.add('lot', row);
      if (soldPacks > 0) {
        for (const c of contributors) lotStates.push([lot.id, c.line.id, c.line.farmer.id, c.base, c.allocatedBase, c.allocatedFen]);
      }
    }
    for (const r of lotStates) w.add('lot_allocation', r);
    await w.pump();
    // Orders: a channel's lines of one day group into sales of up to three lines.
    saleLines.sort((a, b) => (a.channel.id === b.channel.id ? a.soldAt.getTime() - b.soldAt.getTime() : Number(a.channel.id) - Number(b.channel.id)));
    for (let i = 0; i < saleLines.length;) {
      const first = saleLines[i];
      const group = [first];
      const size = rng.pick<number>([[1, 0.6], [2, 0.3], [3, 0.1]]);
      while (group.length < size && i + group.length < saleLines.length) {
        const nextLine = saleLines[i + group.length];
        if (nextLine.channel !== first.channel || dayOf(nextLine.soldAt) !== dayOf(first.soldAt) || group.some((g) => g.lot === nextLine.lot)) break;
        group.push(nextLine);
      }
      i += group.length;
      const saleId = id('sale');
      const soldAt = group[group.length - 1].soldAt;
      const revenue = group.reduce((s, l) => s + l.packs * l.unitPriceFen, 0);
      const external = first.channel.kind === 'STORE' ? null : `${first.channel.kind === 'ONLINE' ? 'PDD' : 'DY'}${saleId.padStart(12, '0')}`;
      w.add('sale', [saleId, companyId, first.channel.id, first.showId, county.warehouseId, first.channel.kind === 'STORE' ? urng.uuid() : null, external, null, soldAt, null, revenue,
        first.channel.kind === 'STORE' ? county.staffId : null, soldAt]);
      group.forEach((sl, k) => {
        const lineId = id('sale_line');
        const revenueFen = sl.packs * sl.unitPriceFen;
        const unitsBase = sl.packs * sl.lot.product.content;
        w.add('sale_line', [lineId, saleId, companyId, k + 1, sl.lot.product.skuId, sl.lot.product.id, sl.lot.id, sl.channel.kind, sl.packs, unitsBase, sl.unitPriceFen,
          revenueFen, sl.farmerFen, sl.commissionFen, sl.hostFen, sl.marginFen, 0, sl.soldAt]);
        const detail = { productId: sl.lot.product.id, channel: sl.channel.kind, occurredAt: sl.soldAt, unitPriceFen: sl.unitPriceFen };
        const saleLns: EntryLine[] = ([
          { account: company('SALES_RECEIVABLE'), amountFen: -revenueFen, quantityBase: unitsBase, ...detail },
          { account: account('CHANNEL', sl.channel.id, 'COMMISSION_PAYABLE'), amountFen: sl.hostFen, kind: 'COMMISSION', ...detail, description: '主播佣金 host commission' },
          { account: company('SALES_MARGIN'), amountFen: sl.marginFen, ...detail },
          { account: company('SALES_CLEARING'), amountFen: sl.farmerFen + sl.commissionFen, ...detail },
        ] as EntryLine[]).filter((x) => x.amountFen !== 0);
        if (saleLns.length) postings.push({ at: sl.soldAt, kind: 'SALE', sourceKey: `sale-line:${lineId}`, lines: saleLns, meta: { saleLineId: lineId, skuId: sl.lot.product.skuId, packs: sl.packs } });
        for (const a of sl.allocations) {
          const allocId = id('sale_allocation');
          w.add('sale_allocation', [allocId, lineId, sl.lot.id, a.line.id, a.line.farmer.id, a.line.product.settlementMode, a.quantityBase, a.revenueFen, a.farmerFen, a.agentFen, a.collectiveFen, 0]);
          const d2 = { ...detail, pointId: a.line.point.id, quantityBase: a.quantityBase };
          const lns: EntryLine[] = [];
          if (a.farmerFen) lns.push({ account: farmerAcc(a.line.farmer, a.line.point), amountFen: a.farmerFen, kind: 'EARNING', ...d2, description: '寄售售出 consignment sold' });
          if (a.agentFen) lns.push({ account: account('AGENT', a.line.point.agentId, 'COMMISSION_PAYABLE'), amountFen: a.agentFen, kind: 'COMMISSION', ...d2 });
          if (a.collectiveFen) lns.push({ account: account('VILLAGE_COLLECTIVE', a.line.point.village.id, 'COLLECTIVE_PAYABLE'), amountFen: a.collectiveFen, kind: 'COLLECTIVE_SHARE', ...d2 });
          const sum = lns.reduce((s, l) => s + l.amountFen, 0);
          if (sum !== 0) lns.push({ account: company('SALES_CLEARING'), amountFen: -sum, ...d2 });
          if (lns.length) postings.push({ at: sl.soldAt, kind: 'EARNING', sourceKey: `sale-allocation:${allocId}`, lines: lns, meta: { saleLineId: lineId, consignmentLineId: a.line.id } });
        }
      });
      if (i % 2000 < 3) await w.pump();
    }
    await w.pump();

    // ---- the ledger in time order, with the monthly settlement runs and their payouts ----
    postings.sort((a, b) => a.at.getTime() - b.at.getTime());
    const payoutsDue: Posting[] = [];
    let pi2 = 0;
    for (const run of [...runs, null]) {
      const until = run ? run.cutoff.getTime() : Infinity;
      // postings up to the cut-off, merged with payouts (and their reversals) falling before it
      payoutsDue.sort((a, b) => a.at.getTime() - b.at.getTime());
      while (pi2 < postings.length || payoutsDue.length) {
        const a = pi2 < postings.length && postings[pi2].at.getTime() <= until ? postings[pi2] : null;
        const b = payoutsDue.length && payoutsDue[0].at.getTime() <= until ? payoutsDue[0] : null;
        if (!a && !b) break;
        if (b && (!a || b.at.getTime() < a.at.getTime())) { payoutsDue.shift(); writePosting(b); } else { pi2++; writePosting(a!); }
        if (pi2 % 5000 === 0) await w.pump();
      }
      if (!run) break;
      for (const [acc, st] of open) {
        if (st.count === 0 || st.sum < 1000) continue; // below SETTLEMENT_MIN_PAYOUT_FEN: rolls over
        const statementId = id('payout_statement');
        run.count++; run.total += st.sum;
        const farmer = farmerById.get(st.farmerId)!;
        const status = !run.approved ? 'PENDING_APPROVAL' : null;
        let finalStatus = status ?? 'PAID';
        if (run.approved) {
          const payoutId = id('payout');
          const channel = { WECHAT_PAY: 'WECHAT_PAY', ALIPAY: 'ALIPAY', BANK_CARD: 'BANK_TRANSFER', CASH: 'CASH' }[farmer.payout]!;
          const createdAt = new Date(run.createdAt.getTime() + 2 * DAY_MS + 8 * 3600_000);
          const failed = channel !== 'CASH' && rng.next() < 0.02;
          const doneAt = new Date(createdAt.getTime() + (channel === 'CASH' ? 2 * DAY_MS : 600_000));
          finalStatus = failed ? 'PAYOUT_FAILED' : 'PAID';
          const requestNo = `VCP${statementId.padStart(14, '0')}`;
          w.add('payout', [payoutId, companyId, statementId, st.farmerId, st.pointId, st.sum, channel, requestNo, failed ? 'FAILED' : 'PAID', 1,
            channel === 'CASH' ? null : `${channel}-${urng.hex(16)}`, failed ? '收款账户异常 payee account invalid' : null, null,
            channel === 'CASH' && !failed ? 'SMS_CODE' : null, null, channel === 'CASH' ? agentOfPoint.get(st.pointId) : null,
            channel === 'CASH' ? null : createdAt, failed ? null : doneAt, failed ? doneAt : null, admin, createdAt, doneAt]);
          payoutsDue.push({ at: createdAt, kind: 'PAYOUT', sourceKey: `payout:${payoutId}`, meta: { statementId, requestNo, channel }, createdBy: admin,
            lines: [{ account: acc, amountFen: -st.sum, description: `打款 payout ${requestNo}` }, { account: company('PAYOUTS_ISSUED'), amountFen: st.sum }] });
          if (failed) {
            payoutsDue.push({ at: doneAt, kind: 'PAYOUT_REVERSAL', sourceKey: `payout-reversal:${payoutId}`, reason: '收款账户异常 payee account invalid',
              meta: { payoutId, statementId, requestNo }, lines: [{ account: acc, amountFen: st.sum, description: `打款失败退回 payout ${requestNo} failed` }, { account: company('PAYOUTS_ISSUED'), amountFen: -st.sum }] });
          }
        }
        w.add('payout_statement', [statementId, run.id, companyId, st.farmerId, acc, st.pointId, st.from, st.last, st.sum, st.count, finalStatus,
          run.approved ? admin : null, run.approved ? new Date(run.createdAt.getTime() + DAY_MS) : null, run.createdAt, run.createdAt]);
        st.from = st.last; st.sum = 0; st.count = 0;
      }
      await w.pump();
    }
    // cursors of this county's farmer accounts, then forget them (counties are independent)
    for (const [acc, st] of open) {
      if (st.from > 0) w.add('settlement_cursor', [acc, companyId, st.from]);
      open.delete(acc);
    }

    // ---- parcels: down (~1.5 a day per village) and up (~1 for 30 down), with their counters ----
    const daily = new Map<string, number[]>(); // point|carrier|day|dir → received, collected, returned, sent, wait
    const bump = (point: Point, carrierId: string, day: string, dir: string, col: number, n: number, wait = 0) => {
      const key = `${point.id}|${carrierId}|${day}|${dir}`;
      let v = daily.get(key);
      if (!v) { v = [0, 0, 0, 0, 0]; daily.set(key, v); }
      v[col] += n; v[4] += wait;
    };
    const countyRegion = new Map<string, number[]>();
    for (const [pi, point] of county.points.entries()) {
      const farmers = farmersByPoint[pi];
      let counter = 0;
      for (let d = 0; d < o.days; d++) {
        const day = addDays(startDay, d);
        const month = Number(day.slice(5, 7));
        const festive = month === 11 || month === 1 ? 1.5 : 1; // 双十一, 年货
        const down = rng.count(RATES.downParcels * o.factor * festive);
        for (let k = 0; k < down; k++) {
          const carrier = rng.pick(carrierPick);
          const pid = id('down_parcel');
          // waybills from the row id: unique per carrier whatever else the database holds
          const waybill = `${carrier.code}${String(7_000_000_000 + Number(pid)).padStart(12, '0')}`;
          const arrivedAt = at(day, 8 + rng.next() * 10);
          const known = rng.next() < 0.7 ? farmers[rng.int(farmers.length)] : null;
          const phone = known ? known.phone : `15${String(rng.int(1e9)).padStart(9, '0')}`;
          const name = known ? known.name : `${SURNAMES[rng.int(SURNAMES.length)]}${GIVEN_NAMES[rng.int(GIVEN_NAMES.length)]}`;
          const code = pickupCodeFor(counter++ % 120_000, { shelfCount: 4, layerCount: 3 });
          const r = rng.next();
          const returned = r < 0.015;
          const waitMs = returned ? 7 * DAY_MS + 3600_000 : r < 0.6 ? (0.5 + rng.next() * 8) * 3600_000 : r < 0.95 ? (8 + rng.next() * 40) * 3600_000 : (48 + rng.next() * 96) * 3600_000;
          const leftAt = new Date(arrivedAt.getTime() + waitMs);
          const stillThere = leftAt >= endInstant;
          const status = stillThere ? 'AWAITING_PICKUP' : returned ? 'RETURNED' : 'COLLECTED';
          const method = status === 'COLLECTED' ? rng.pick<string>([['CODE', 0.8], ['PHONE_TAIL', 0.12], ['PROXY', 0.08]]) : null;
          w.add('down_parcel', [pid, point.id, carrier.id, waybill, status === 'RETURNED' ? null : waybill, name, phone, phone.slice(-4), known?.id ?? null, 200 + rng.int(4800),
            code, stillThere ? code : null, status, rng.next() < 0.6 ? 'MANIFEST' : 'SCAN', arrivedAt, point.agentId,
            status === 'COLLECTED' ? leftAt : null, method, status === 'COLLECTED' ? point.agentId : null, method === 'PROXY' ? `${SURNAMES[rng.int(SURNAMES.length)]}家人` : null,
            status === 'RETURNED' ? leftAt : null, status === 'RETURNED' ? `R${waybill}`.slice(0, 20) : null, status === 'RETURNED' ? '超期未取 not collected in time' : null,
            status === 'RETURNED' ? point.agentId : null, arrivedAt]);
          bump(point, carrier.id, day, 'DOWN', 0, 1);
          if (status === 'COLLECTED') bump(point, carrier.id, dayOf(leftAt), 'DOWN', 1, 1, Math.max(0, Math.floor(waitMs / 1000)));
          if (status === 'RETURNED') bump(point, carrier.id, dayOf(leftAt), 'DOWN', 2, 1);
        }
        const up = rng.count(RATES.downParcels * RATES.upShare * o.factor * (month >= 11 || month <= 1 ? 1.6 : 1));
        for (let k = 0; k < up; k++) {
          const carrier = rng.pick(carrierPick);
          const upId = id('up_parcel');
          const sender = rng.next() < 0.8 ? farmers[rng.int(farmers.length)] : null;
          const product = products[rng.int(products.length)];
          const [dp, dc] = DESTINATIONS[rng.int(DESTINATIONS.length)];
          const sentAt = at(day, 9 + rng.next() * 8);
          const weightG = 500 + rng.int(9500);
          w.add('up_parcel', [upId, point.id, carrier.id, `${carrier.code}${String(8_000_000_000 + Number(upId)).padStart(12, '0')}`,
            sender ? 'FARMER' : 'VILLAGER', sender?.id ?? null, sender?.name ?? '村民', sender?.phone ?? `15${String(rng.int(1e9)).padStart(9, '0')}`, dp, dc, weightG,
            800 + Math.ceil(weightG / 1000) * 200, sender ? product.name : '自用物品', sender ? product.id : null, sender ? 1 : null, 'REGISTERED', point.agentId, sentAt, sentAt]);
          bump(point, carrier.id, day, 'UP', 3, 1);
        }
        if (d % 30 === 29) await w.pump();
      }
      w.add('parcel_station', [point.id, 4, 3, counter % 120_000]);
    }
    // Every region above the point (its path), per day, month and year, from the point's daily rows:
    // the same sums ParcelCountsService.bump adds event by event.
    const pathOf = new Map(county.points.map((p) => [p.id, p.village.path.split('/').filter(Boolean)]));
    for (const [key, v] of daily) {
      const [pointId, carrierId, day, dir] = key.split('|');
      w.add('parcel_daily_count', [pointId, carrierId, day, dir, ...v]);
      for (const [k, rid] of pathOf.get(pointId)!.entries()) {
        for (const [period, start] of [['D', day], ['M', `${day.slice(0, 7)}-01`], ['Y', `${day.slice(0, 4)}-01-01`]]) {
          const rk = `${rid}|${period}|${start}|${carrierId}|${dir}`;
          const map = k >= 3 ? countyRegion : parcelRegion; // township and village keys are this county's alone
          let r = map.get(rk);
          if (!r) { r = [0, 0, 0, 0, 0]; map.set(rk, r); }
          for (let c = 0; c < 5; c++) r[c] += v[c];
        }
      }
    }
    for (const [key, v] of countyRegion) {
      const [regionId, period, start, carrierId, dir] = key.split('|');
      w.add('parcel_region_count', [companyId, regionId, period, start, carrierId, dir, ...v]);
    }
    await w.pump();
    o.log(`county ${ci + 1}/${counties.length} ${county.name}: ${county.points.length} points, ${lots.length} lots, ${saleLines.length} sale lines, ${postings.length} postings in ${((performance.now() - tc) / 1000).toFixed(1)} s`);

  }

  // ---- what spans counties: region roll-ups above township, runs, accounts with their balances ----
  for (const [key, v] of parcelRegion) {
    const [regionId, period, start, carrierId, dir] = key.split('|');
    w.add('parcel_region_count', [companyId, regionId, period, start, carrierId, dir, ...v]);
  }
  for (const r of runs) {
    w.add('settlement_run', [r.id, companyId, `through-${r.throughDay}`, r.cutoff, null, r.approved ? 'APPROVED' : 'READY', r.count, r.total, 1000, admin,
      r.approved ? admin : null, r.approved ? new Date(r.createdAt.getTime() + DAY_MS) : null, r.createdAt]);
  }
  for (const a of accounts.values()) {
    w.add('ledger_account', [a.id, companyId, a.ownerType, a.ownerId, a.type, balances.get(a.id) ?? 0, at(startDay, -30)]);
  }
  await w.flush();

  const tables = [...w.stats.entries()].map(([table, s]) => ({ table, rows: s.rows, seconds: s.ms / 1000 })).sort((a, b) => b.seconds - a.seconds);
  return { companyId, adminUsername, agentUsernames, villages: villages.length, tables, seconds: (performance.now() - t0) / 1000 };
}

function declareTables(w: BulkWriter): void {
  w.table('company', ['id', 'code', 'name', 'active']);
  w.table('region', ['id', 'parent_id', 'level', 'code', 'name', 'path']);
  w.table('commerce_point', ['id', 'company_id', 'region_id', 'region_path', 'code', 'name', 'service_center_name', 'address', 'contact_phone', 'opening_hours', 'active']);
  w.table('parcel_station', ['point_id', 'shelf_count', 'layer_count', 'next_pickup_no']);
  w.table('warehouse', ['id', 'company_id', 'region_id', 'code', 'name', 'address', 'active']);
  w.table('staff_user', ['id', 'company_id', 'username', 'display_name', 'phone', 'password_hash', 'role', 'region_id', 'active']);
  w.table('user_point_assignment', ['user_id', 'point_id']);
  w.table('user_warehouse_assignment', ['user_id', 'warehouse_id']);
  w.table('product', ['id', 'company_id', 'code', 'name', 'category', 'base_unit', 'units', 'grades', 'qc_checklist', 'shelf_life_days', 'settlement_mode',
    'max_quantity_base_per_line', 'active', 'consignment_period_days', 'farmer_share_basis_points']);
  w.table('product_price', ['id', 'product_id', 'grade_code', 'unit_name', 'unit_size_base', 'price_fen', 'effective_from', 'effective_to', 'created_by']);
  w.table('sku', ['id', 'company_id', 'product_id', 'code', 'name', 'content_unit', 'content_base_per_pack', 'active']);
  w.table('commission_rule', ['id', 'company_id', 'product_id', 'channel', 'agent_mode', 'agent_fen_per_unit', 'unit_size_base', 'agent_basis_points',
    'collective_basis_points', 'effective_from', 'effective_to', 'created_by']);
  w.table('sales_channel', ['id', 'company_id', 'kind', 'name', 'platform', 'shop', 'warehouse_id', 'active']);
  w.table('livestream_show', ['id', 'company_id', 'channel_id', 'host_name', 'platform', 'starts_at', 'ends_at', 'host_commission_basis_points']);
  w.table('farmer', ['id', 'company_id', 'name', 'phone', 'village_region_id', 'usual_point_id', 'payout_method', 'payout_bank_name', 'sms_consent', 'hardship',
    'active', 'created_by', 'show_name_on_trace', 'created_at']);
  w.table('consignment', ['id', 'company_id', 'point_id', 'farmer_id', 'client_id', 'request_hash', 'receipt_no', 'business_day', 'captured_at', 'received_at',
    'status', 'line_count', 'estimated_amount_fen', 'note', 'created_by', 'created_at']);
  w.table('consignment_line', ['id', 'consignment_id', 'line_no', 'product_id', 'declared_grade_code', 'quantity_text', 'unit_name', 'unit_size_base', 'quantity_base',
    'price_fen', 'price_unit_name', 'price_unit_size_base', 'settlement_mode', 'estimated_amount_fen', 'status', 'accepted_quantity_base', 'rejected_quantity_base',
    'batched_quantity_base', 'accepted_amount_fen']);
  w.table('receipt_counter', ['point_id', 'business_day', 'last_seq']);
  w.table('quality_check', ['id', 'consignment_id', 'line_id', 'revision', 'request_hash', 'checked_by', 'checked_at', 'accepted_quantity_base', 'rejected_quantity_base',
    'measured_weight_grams', 'checklist', 'note', 'superseded_at', 'created_at']);
  w.table('quality_check_grade', ['id', 'quality_check_id', 'line_id', 'grade_code', 'quantity_base', 'price_fen', 'price_unit_size_base', 'amount_fen', 'settlement_mode']);
  w.table('quality_check_reject', ['id', 'quality_check_id', 'line_id', 'reason', 'quantity_base', 'note', 'disposition']);
  w.table('batch', ['id', 'company_id', 'point_id', 'warehouse_id', 'client_id', 'batch_no', 'status', 'note', 'created_by', 'sealed_at', 'sealed_by', 'manifest_totals',
    'dispatched_at', 'dispatched_by', 'vehicle_plate', 'driver_name', 'driver_phone', 'carrier_kind', 'carrier_name', 'departed_at', 'receiving_started_at', 'received_at',
    'closed_at', 'closed_by', 'created_at'], 2_000);
  w.table('batch_item', ['id', 'batch_id', 'consignment_line_id', 'consignment_id', 'farmer_id', 'product_id', 'quantity_base', 'received_base', 'damaged_base', 'lost_base',
    'surplus_base', 'surplus_reason', 'accounted', 'processed_base', 'charged_back_base']);
  w.table('batch_receipt', ['id', 'batch_id', 'request_id', 'received_by', 'line_count', 'note', 'created_at']);
  w.table('batch_receipt_line', ['id', 'receipt_id', 'batch_item_id', 'received_base', 'damaged_base', 'lost_base']);
  w.table('transit_loss', ['id', 'batch_id', 'batch_item_id', 'receipt_id', 'consignment_line_id', 'farmer_id', 'product_id', 'cause', 'quantity_base', 'bearer', 'note', 'created_at']);
  w.table('processing_record', ['id', 'company_id', 'warehouse_id', 'request_id', 'request_hash', 'kind', 'product_id', 'input_base', 'output_base', 'loss_base',
    'loss_reason', 'note', 'processed_at', 'processed_by', 'created_at']);
  w.table('processing_input', ['id', 'processing_id', 'batch_item_id', 'consignment_line_id', 'farmer_id', 'quantity_base']);
  w.table('lot', ['id', 'company_id', 'warehouse_id', 'sku_id', 'product_id', 'processing_id', 'lot_no', 'trace_code', 'packs_produced', 'on_hand_packs', 'reserved_packs',
    'expired_packs', 'earliest_intake_at', 'best_before', 'packed_at', 'near_best_before_alerted_at', 'created_at', 'public_trace'], 1_000);
  w.table('lot_provenance', ['id', 'lot_id', 'consignment_line_id', 'farmer_id', 'batch_item_id', 'quantity_base']);
  w.table('lot_allocation', ['lot_id', 'consignment_line_id', 'farmer_id', 'contributed_base', 'allocated_base', 'allocated_fen']);
  w.table('sale', ['id', 'company_id', 'channel_id', 'show_id', 'warehouse_id', 'client_id', 'external_order_id', 'import_id', 'sold_at', 'giveaway_reason', 'revenue_fen',
    'created_by', 'created_at']);
  w.table('sale_line', ['id', 'sale_id', 'company_id', 'line_no', 'sku_id', 'product_id', 'lot_id', 'channel_kind', 'packs', 'units_base', 'unit_price_fen', 'revenue_fen',
    'farmer_fen', 'commission_fen', 'host_commission_fen', 'margin_fen', 'refunded_packs', 'sold_at']);
  w.table('sale_allocation', ['id', 'sale_line_id', 'lot_id', 'consignment_line_id', 'farmer_id', 'settlement_mode', 'quantity_base', 'revenue_fen', 'farmer_amount_fen',
    'agent_commission_fen', 'collective_share_fen', 'refunded_base']);
  w.table('ledger_account', ['id', 'company_id', 'owner_type', 'owner_id', 'account_type', 'balance_fen', 'created_at']);
  w.table('ledger_posting', ['id', 'company_id', 'source_key', 'kind', 'reverses_posting_id', 'reason', 'meta', 'created_by', 'created_at']);
  w.table('ledger_entry', ['id', 'posting_id', 'company_id', 'account_id', 'kind', 'amount_fen', 'point_id', 'product_id', 'grade_code', 'quantity_base', 'unit_price_fen',
    'price_unit_size_base', 'channel', 'occurred_at', 'description', 'created_at'], 10_000);
  w.table('settlement_run', ['id', 'company_id', 'period_key', 'cutoff_at', 'point_ids', 'status', 'statement_count', 'total_fen', 'min_payout_fen', 'created_by',
    'approved_by', 'approved_at', 'created_at']);
  w.table('payout_statement', ['id', 'run_id', 'company_id', 'farmer_id', 'account_id', 'point_id', 'from_entry_id', 'through_entry_id', 'total_fen', 'item_count', 'status',
    'approved_by', 'approved_at', 'created_at', 'updated_at']);
  w.table('settlement_cursor', ['account_id', 'company_id', 'settled_through_entry_id']);
  w.table('payout', ['id', 'company_id', 'statement_id', 'farmer_id', 'point_id', 'amount_fen', 'channel', 'request_no', 'status', 'attempts', 'provider_ref', 'failure_reason',
    'cash_code_hash', 'confirmation_kind', 'confirmation_ref', 'confirmed_by', 'submitted_at', 'paid_at', 'failed_at', 'created_by', 'created_at', 'updated_at']);
  w.table('down_parcel', ['id', 'point_id', 'carrier_id', 'waybill_no', 'unreturned_waybill', 'recipient_name', 'recipient_phone', 'recipient_phone_last4',
    'recipient_farmer_id', 'weight_g', 'pickup_code', 'open_pickup_code', 'status', 'source', 'arrived_at', 'registered_by_user_id', 'collected_at', 'pickup_method',
    'collected_by_user_id', 'proxy_name', 'returned_at', 'return_waybill_no', 'return_reason', 'returned_by_user_id', 'created_at']);
  w.table('up_parcel', ['id', 'point_id', 'carrier_id', 'waybill_no', 'sender_kind', 'sender_farmer_id', 'sender_name', 'sender_phone', 'destination_province',
    'destination_city', 'weight_g', 'fee_fen', 'declared_contents', 'goods_product_id', 'goods_quantity', 'status', 'registered_by_user_id', 'sent_at', 'created_at']);
  w.table('parcel_daily_count', ['point_id', 'carrier_id', 'business_day', 'direction', 'received', 'collected', 'returned', 'sent', 'pickup_wait_seconds']);
  w.table('parcel_region_count', ['company_id', 'region_id', 'period', 'period_start', 'carrier_id', 'direction', 'received', 'collected', 'returned', 'sent', 'pickup_wait_seconds']);
}
