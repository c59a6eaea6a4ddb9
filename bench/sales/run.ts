/**
 * Sales benchmark (ISSUE 6). Run: npm run bench:sales [-- --lines 100000 --orders 100000]
 *
 * Creates and migrates its own database (village_commerce_bench_sales, dropped each run), seeds with
 * bare multi-row INSERTs farmers, consignment lines (豆腐乳, consignment mode, 1800 fen a jar at QC)
 * and lots of 50 contributors × 20 jars each (1,000 single-jar packs a lot). Then, through the real
 * services (Nest application context, no HTTP):
 *   1. records `--lines` store sale lines (1-3 packs each) in chunks of 2,000 orders per transaction:
 *      FEFO draw with row locks, cumulative allocation to the 50 contributors, postings; `--streams`
 *      stores (default 2, each selling its own SKU of the same product, at once: what two counters or
 *      a store and a live show do) share the lines, so one's SQL runs while the other's plan is made;
 *   2. imports a `--orders`-order platform CSV file (one transaction, set-wise).
 * Other engineers' work may run on this machine at the same time: figures vary between runs.
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'crypto';
import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';
import { newTraceCode } from '../../src/warehouse/trace-code';
import { bulkInsert, emitResult, flag, insertId, log, openBenchConnection, openBenchDatabase, seedInspectedGoods } from '../support';

const SALE_LINES = flag('lines', 100_000);
const ORDERS = flag('orders', 100_000);
const CHUNK = flag('chunk', 2_000);
const STREAMS = Math.max(1, Math.min(4, flag('streams', 2)));
const DB = process.env.BENCH_DB_NAME ?? 'village_commerce_bench_sales';
const CONTRIBUTORS = 50;
const PACKS_PER_LOT = CONTRIBUTORS * 20;
const FARMERS = 5_000;
const VILLAGES = 20;
/** Enough lots (about 2 packs a line or order, with slack): DFR-1's for stream 0 and the import, then each other stream's. */
const MAIN_LOTS = Math.ceil(((Math.ceil(SALE_LINES / STREAMS) + ORDERS) * 2.2) / PACKS_PER_LOT) + 2;
const STREAM_LOTS = Math.ceil((Math.ceil(SALE_LINES / STREAMS) * 2.2) / PACKS_PER_LOT) + 1;
const LOTS = MAIN_LOTS + (STREAMS - 1) * STREAM_LOTS;
const LINES = LOTS * CONTRIBUTORS;

Object.assign(process.env, {
  DB_NAME: DB, QUEUE_PREFIX: 'bench_sales', LOG_LEVEL: 'warn',
  JWT_SECRET: process.env.JWT_SECRET ?? 'bench-secret-0123456789abcdef0123456789abcdef',
  FIELD_ENCRYPTION_KEY: process.env.FIELD_ENCRYPTION_KEY ?? 'YmVuY2gtZmllbGQtZW5jcnlwdGlvbi1rZXktMzJieXQ=',
  BLIND_INDEX_KEY: process.env.BLIND_INDEX_KEY ?? 'YmVuY2gtYmxpbmQtaW5kZXgta2V5LTAxMjM0NTY3ODk=',
  SMS_WEBHOOK_SECRET: process.env.SMS_WEBHOOK_SECRET ?? 'bench-sms-webhook-secret-0123456789',
});

type Seeded = { skuId: string; streamSkuIds: string[]; companyId: string; pointId: string; warehouseId: string; userId: string; productId: string; firstLineId: number; lineCount: number; firstConsignmentId: number };

async function seed(conn: Connection): Promise<Seeded> {
  const g = await seedInspectedGoods(conn, {
    companyCode: 'BENCHSALES', adminUsername: 'bench_sales_admin', villages: VILLAGES, farmers: FARMERS, lines: LINES,
    product: { code: 'DFR', name: '豆腐乳', baseUnit: 'JAR', unitName: '瓶', unitSizeBase: 1 },
    sku: { code: 'DFR-1', name: '豆腐乳 单瓶', contentBasePerPack: 1 },
    line: { quantityText: '20', quantityBase: 20, priceFen: 1800 },
  });
  const { companyId, pointId, warehouseId, userId, productId, skuId, captured } = g;
  const farmerBase = g.farmerBase;
  const lBase = g.firstLineId;
  const cBase = g.firstConsignmentId;
  const processingId = await insertId(conn,
    `INSERT INTO processing_record (company_id, warehouse_id, request_id, request_hash, kind, product_id, input_base, output_base, loss_base, processed_at, processed_by)
     VALUES (?, ?, ?, ?, 'PACKING', ?, 0, 0, 0, NOW(3), ?)`, [companyId, warehouseId, randomUUID(), 'x'.repeat(64), productId, userId]);
  const [[{ id: lotBase }]] = await conn.query('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM lot') as unknown as [[{ id: number }]];
  const best = new Date(Date.now() + 180 * 86400_000).toISOString().slice(0, 10);
  // stream 0 and the import sell DFR-1; every other stream its own SKU of the same product
  const streamSkuIds = [skuId];
  for (let k = 1; k < STREAMS; k++) {
    streamSkuIds.push(await insertId(conn, 'INSERT INTO sku (company_id, product_id, code, name, content_unit, content_base_per_pack, active) VALUES (?, ?, ?, ?, ?, 1, 1)',
      [companyId, productId, `DFR-S${k}`, `豆腐乳 单瓶 (门店 ${k + 1})`, 'JAR']));
  }
  const lotSku = (i: number) => (i < MAIN_LOTS ? skuId : streamSkuIds[1 + Math.floor((i - MAIN_LOTS) / STREAM_LOTS)]);
  await bulkInsert(conn, 'lot', ['id', 'company_id', 'warehouse_id', 'sku_id', 'product_id', 'processing_id', 'lot_no', 'trace_code', 'packs_produced', 'on_hand_packs', 'earliest_intake_at', 'best_before', 'packed_at'],
    LOTS, (i) => [lotBase + i, companyId, warehouseId, lotSku(i), productId, processingId, `LS-${i}`, newTraceCode(), PACKS_PER_LOT, PACKS_PER_LOT, captured, best, captured]);
  // every lot: 50 contributors (consignment lines) of 20 jars each
  await bulkInsert(conn, 'lot_provenance', ['lot_id', 'consignment_line_id', 'farmer_id', 'batch_item_id', 'quantity_base'],
    LOTS * CONTRIBUTORS, (i) => [lotBase + Math.floor(i / CONTRIBUTORS), lBase + i, Number(farmerBase) + (Math.floor(i / 2) % FARMERS), 0, 20]);
  await conn.query('ANALYZE TABLE lot, lot_provenance, consignment_line, consignment, farmer, quality_check, quality_check_grade');
  return { companyId, pointId, warehouseId, userId, productId, skuId, streamSkuIds, firstLineId: Number(lBase), lineCount: LINES, firstConsignmentId: Number(cBase) };
}


/** JSON columns (parsed by the driver) back to their text, so they are written again as they were. */
const asWritten = (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v) ? JSON.stringify(v) : v);

/** Tables a store sale line writes to, in the order the service writes them. */
const WRITTEN = ['sale', 'sale_line', 'sale_allocation', 'ledger_posting', 'ledger_entry', 'outbox_event'] as const;

async function maxIds(conn: Connection): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of WRITTEN) out[t] = Number((await conn.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${t}`) as unknown as [[{ m: string }]])[0][0].m);
  return out;
}

/**
 * The bare floor of phase 1: the very rows the service wrote for the store sale lines (sales, sale
 * lines, allocations, postings, entries, outbox rows), read back untimed and written again by plain
 * mysql2 multi-row INSERTs (2,000 rows a statement) into empty copies of the tables, in as many
 * transactions as the service used, a slice of every table each. No locks, no balances, no
 * allocation arithmetic: only what writing the rows costs on this machine now.
 */
async function bareWriter(conn: Connection, max: Record<string, number>, transactions: number): Promise<number> {
  for (const t of WRITTEN) {
    await conn.query(`DROP TABLE IF EXISTS bare_${t}`);
    await conn.query(`CREATE TABLE bare_${t} LIKE ${t}`);
  }
  type Slice = { table: string; columns: string[]; rows: unknown[][] };
  const writers = await Promise.all(Array.from({ length: STREAMS }, () => openBenchConnection(DB)));
  let seconds = 0;
  // rounds of STREAMS transactions written at once on their own connections (the service's concurrency)
  for (let k = 0; k < transactions; k += STREAMS) {
    const round: Slice[][] = [];
    for (let w = 0; w < STREAMS && k + w < transactions; w++) {
      const slices: Slice[] = [];
      for (const t of WRITTEN) {
        const per = Math.ceil(max[t] / transactions);
        const [rows, fields] = await conn.query({ sql: `SELECT * FROM ${t} WHERE id > ? AND id <= ? ORDER BY id`, rowsAsArray: true }, [(k + w) * per, Math.min(max[t], (k + w + 1) * per)]) as unknown as [unknown[][], Array<{ name: string }>];
        slices.push({ table: t, columns: fields.map((f) => f.name), rows: rows.map((r) => r.map(asWritten)) });
      }
      round.push(slices);
    }
    const t0 = performance.now();
    await Promise.all(round.map(async (slices, w) => {
      const c = writers[w];
      await c.beginTransaction();
      for (const { table, columns, rows } of slices) {
        for (let i = 0; i < rows.length; i += 2000) await c.query(`INSERT INTO bare_${table} (${columns.join(', ')}) VALUES ?`, [rows.slice(i, i + 2000)]);
      }
      await c.commit();
    }));
    seconds += (performance.now() - t0) / 1000;
  }
  await Promise.all(writers.map((c) => c.end()));
  for (const t of WRITTEN) await conn.query(`DROP TABLE bare_${t}`);
  return seconds;
}

async function main(): Promise<void> {
  const conn = await openBenchDatabase(DB, true);
  log(`seeding ${LOTS} lots × ${CONTRIBUTORS} contributors`);
  const s = await seed(conn);
  const { AppModule } = await import('../../src/app.module');
  const { SalesService } = await import('../../src/sales/sales.service');
  const { Role } = await import('../../src/common/access/role.enum');
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const admin = { kind: 'staff' as const, id: s.userId, role: Role.ADMIN, companyId: s.companyId, pointIds: [], warehouseIds: [], regionPath: null };
  const sales = app.get(SalesService);
  const stores: Array<Awaited<ReturnType<typeof sales.createChannel>>> = [];
  for (let k = 0; k < STREAMS; k++) stores.push(await sales.createChannel(admin, { kind: 'STORE' as never, name: `基准门店 ${k + 1}`, warehouseId: s.warehouseId }));
  const online = await sales.createChannel(admin, { kind: 'ONLINE' as never, name: '基准网店', platform: '拼多多', warehouseId: s.warehouseId });
  const { DataSource } = await import('typeorm');
  const ds = app.get(DataSource);
  const { inTransaction } = await import('../../src/database/transaction');

  // 1. store sale lines through SalesService.record, 2,000 orders (one line each) per transaction, the
  //    stores at once (each its own SKU's lots; the company's sales accounts and the farmers are shared)
  const soldAt = new Date();
  let packs = 0;
  let storeChunks = 0;
  const sellAtStore = async (k: number) => {
    const share = Math.floor(SALE_LINES / STREAMS) + (k < SALE_LINES % STREAMS ? 1 : 0);
    for (let i = 0; i < share; i += CHUNK) {
      const orders = Array.from({ length: Math.min(CHUNK, share - i) }, (_, j) => {
        const n = 1 + ((i + j) % 3);
        packs += n;
        return { clientId: randomUUID(), externalOrderId: null, soldAt, giveawayReason: null, lines: [{ skuId: s.streamSkuIds[k], packs: n, unitPriceFen: 2990, field: 'lines.0' }] };
      });
      await inTransaction(ds, (em) => sales.record(em, admin, stores[k], null, orders, null));
      storeChunks++;
    }
  };
  const t1 = performance.now();
  await Promise.all(stores.map((_, k) => sellAtStore(k)));
  const allocSeconds = (performance.now() - t1) / 1000;
  const storeMax = await maxIds(conn);
  const [[alloc]] = await conn.query('SELECT COUNT(*) AS n, SUM(quantity_base) AS q FROM sale_allocation') as unknown as [[{ n: string; q: string }]];

  // 2. a platform CSV of ORDERS orders, imported in one request
  const csv = ['external_order_id,sku_code,packs,unit_price_fen,sold_at', ...Array.from({ length: ORDERS }, (_, i) => `PDD${i},DFR-1,${1 + (i % 3)},2990,${soldAt.toISOString()}`)].join('\n');
  const t2 = performance.now();
  const imported = await sales.importOrders(admin, online.id, csv, 'text/csv', {});
  const importSeconds = (performance.now() - t2) / 1000;
  const t3 = performance.now();
  const again = await sales.importOrders(admin, online.id, csv, 'text/csv', {});
  const reimportSeconds = (performance.now() - t3) / 1000;
  const bareSeconds = await bareWriter(conn, storeMax, storeChunks);
  const { SalesQueriesService } = await import('../../src/sales/sales-queries.service');
  const check = await app.get(SalesQueriesService).check(admin);

  const rows = [
    [`store sale lines allocated + posted (${STREAMS} store${STREAMS > 1 ? 's' : ''} at once)`, SALE_LINES.toLocaleString(), `${allocSeconds.toFixed(1)} s`, `${Math.round(SALE_LINES / allocSeconds).toLocaleString()} lines/s (target ≥ 5,000)`],
    ['  allocation rows / units', Number(alloc.n).toLocaleString(), '', `${Number(alloc.q).toLocaleString()} units (${packs.toLocaleString()} packs sold)`],
    ['  bare writer: the same rows, multi-row INSERTs', `${storeChunks} transactions, ${STREAMS} at once`, `${bareSeconds.toFixed(1)} s`, `${Math.round(SALE_LINES / bareSeconds).toLocaleString()} lines/s; service = ${(allocSeconds / bareSeconds).toFixed(2)}× bare`],
    ['platform import (CSV)', `${imported.importedOrders.toLocaleString()} orders`, `${importSeconds.toFixed(1)} s`, `${Math.round(ORDERS / importSeconds).toLocaleString()} orders/s`],
    ['re-import of the same file', `${again.duplicateOrders.toLocaleString()} duplicates`, `${reimportSeconds.toFixed(1)} s`, `${again.importedOrders} imported`],
    ['money check (all sale lines)', check.saleLines.toLocaleString(), '', check.ok ? 'ok: revenue = farmer + commission + host + margin' : `BROKEN ${check.brokenLines.length}`],
  ];
  emitResult({ figure: 'sales: store sale lines allocated + posted', value: SALE_LINES / allocSeconds, unit: '/s', target: '≥ 5,000/s', baseline: SALE_LINES / bareSeconds });
  emitResult({ figure: 'sales: platform import', value: ORDERS / importSeconds, unit: '/s' });
  emitResult({ figure: 'sales: money check (1 = ok)', value: check.ok ? 1 : 0, unit: '', target: '1' });
  process.stdout.write('\n| measure | count | time | rate |\n|---|---|---|---|\n' + rows.map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n');
  process.stdout.write('\nOther engineers\' work may run on this machine at the same time; figures vary between runs.\n');
  await app.close();
  await conn.end();
}

main().catch((err) => { console.error(err); process.exit(1); });
