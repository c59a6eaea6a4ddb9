/**
 * Warehouse benchmark (ISSUE 4). Run: npm run bench:warehouse [-- --lots 1000000 --provenance 10000000 --lookups 2000 --reseed]
 *
 * Creates and migrates its own database (village_commerce_bench_wh), seeds it with bare multi-row
 * INSERTs (5,000 rows a statement): farmers in 20 villages, consignments and inspected lines, lots
 * with trace codes and their provenance rows. Then, through the real services (Nest application
 * context, no HTTP):
 *   1. receiving a dispatched 2,000-line batch in one request (twice, on two batches);
 *   2. public trace lookup latency p50/p99 over random lot codes.
 * Seeded data is reused on the next run when it is big enough (--reseed forces a new seed).
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'crypto';
import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';
import { newTraceCode } from '../../src/warehouse/trace-code';
import { BENCH_SECRETS, bulkInsert, emitResult, flag, hasFlag, insertId, log, openBenchDatabase, pct, seedInspectedGoods } from '../support';

const LOTS = flag('lots', 1_000_000);
const PROVENANCE = flag('provenance', 10_000_000);
const LOOKUPS = flag('lookups', 2_000);
const BATCH_LINES = flag('batch-lines', 2_000);
const RESEED = hasFlag('reseed');
const DB = process.env.BENCH_DB_NAME ?? 'village_commerce_bench_wh';
const FARMERS = 2_000;
const VILLAGES = 20;
/** Consignment lines: each feeds about 10 provenance rows (a line is split over several lots). */
const LINES = Math.max(BATCH_LINES * 2, Math.ceil(PROVENANCE / 10));

Object.assign(process.env, {
  DB_NAME: DB, QUEUE_PREFIX: 'bench_wh', LOG_LEVEL: 'warn',
  ...BENCH_SECRETS,
});


type Seeded = { companyId: string; pointId: string; warehouseId: string; userId: string; productId: string; firstLineId: number; lineCount: number; firstConsignmentId: number };

async function seed(conn: Connection): Promise<Seeded> {
  const g = await seedInspectedGoods(conn, {
    companyCode: 'BENCHWH', adminUsername: 'bench_wh_admin', villages: VILLAGES, farmers: FARMERS, lines: LINES,
    product: { code: 'TZC', name: '坛子菜', baseUnit: 'GRAM', unitName: '斤', unitSizeBase: 500 },
    sku: { code: 'TZC-500', name: '坛子菜 500g', contentBasePerPack: 500 },
    line: { quantityText: '2', quantityBase: 1000, priceFen: 1500 },
  });
  const { companyId, pointId, warehouseId, userId, productId, skuId, captured, surnames } = g;
  const farmerBase = g.farmerBase;
  const lBase = g.firstLineId;
  const cBase = g.firstConsignmentId;
  const processingId = await insertId(conn,
    `INSERT INTO processing_record (company_id, warehouse_id, request_id, request_hash, kind, product_id, input_base, output_base, loss_base, processed_at, processed_by)
     VALUES (?, ?, ?, ?, 'PACKING', ?, 0, 0, 0, NOW(3), ?)`, [companyId, warehouseId, randomUUID(), 'x'.repeat(64), productId, userId]);
  const [[{ id: lotBase }]] = await conn.query('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM lot') as unknown as [[{ id: number }]];
  const best = new Date(Date.now() + 180 * 86400_000).toISOString().slice(0, 10);
  const perLot = Math.max(1, Math.round(PROVENANCE / LOTS));
  // The public trace summary each lot gets at packing (src/warehouse/public-trace-summary.ts), for the same contributors as its provenance rows below.
  const intakeDay = new Date(captured.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const summaryOf = (lot: number) => JSON.stringify({
    contributors: Array.from({ length: perLot }, (_, k) => {
      const line = (lot * 7 + k * 131) % LINES;
      const f = Math.floor(line / 2) % FARMERS;
      return {
        farmerId: String(Number(farmerBase) + f), maskedName: `${surnames[f % 10]}**`, village: `第${(f % VILLAGES) + 1}村`, intakeDate: intakeDay,
        quantityBase: 500, qc: { grades: ['A'], checklist: { seal: true }, checkedDate: intakeDay },
      };
    }),
  });
  await bulkInsert(conn, 'lot', ['id', 'company_id', 'warehouse_id', 'sku_id', 'product_id', 'processing_id', 'lot_no', 'trace_code', 'packs_produced', 'on_hand_packs', 'earliest_intake_at', 'best_before', 'packed_at', 'public_trace'],
    LOTS, (i) => [lotBase + i, companyId, warehouseId, skuId, productId, processingId, `LB-${i}`, newTraceCode(), 20, 20, captured, best, captured, summaryOf(i)]);
  await bulkInsert(conn, 'lot_provenance', ['lot_id', 'consignment_line_id', 'farmer_id', 'batch_item_id', 'quantity_base'],
    PROVENANCE, (i) => {
      const lot = Math.floor(i / perLot) % LOTS;
      const line = (lot * 7 + (i % perLot) * 131) % LINES;
      return [lotBase + lot, lBase + line, Number(farmerBase) + (Math.floor(line / 2) % FARMERS), 0, 500];
    });
  await conn.query('ANALYZE TABLE lot, lot_provenance, consignment_line, consignment, farmer, quality_check, quality_check_grade');
  return { companyId, pointId, warehouseId, userId, productId, firstLineId: Number(lBase), lineCount: LINES, firstConsignmentId: Number(cBase) };
}

/** A dispatched batch of `lines` items (bare rows), ready to receive. */
async function dispatchedBatch(conn: Connection, s: Seeded, offset: number): Promise<{ id: string; items: Array<{ id: string; quantity: number }> }> {
  const id = await insertId(conn,
    `INSERT INTO batch (company_id, point_id, warehouse_id, client_id, batch_no, status, created_by, dispatched_at, departed_at, vehicle_plate, driver_name, driver_phone, carrier_kind)
     VALUES (?, ?, ?, ?, ?, 'DISPATCHED', ?, NOW(3), NOW(3), '湘H·00001', '李师傅', '13907371234', 'COMPANY_TRUCK')`,
    [s.companyId, s.pointId, s.warehouseId, randomUUID(), `BWH-BENCH-${Date.now()}-${offset}`, s.userId]);
  await bulkInsert(conn, 'batch_item', ['batch_id', 'consignment_line_id', 'consignment_id', 'farmer_id', 'product_id', 'quantity_base'], BATCH_LINES,
    (i) => {
      const line = s.firstLineId + ((offset + i) % s.lineCount);
      return [id, line, s.firstConsignmentId + Math.floor((line - s.firstLineId) / 2), 1, s.productId, 1000];
    }, 'batch_item (bench batch)');
  const [rows] = await conn.query('SELECT id, quantity_base FROM batch_item WHERE batch_id = ? ORDER BY id', [id]);
  return { id, items: (rows as Array<{ id: string; quantity_base: number }>).map((r) => ({ id: String(r.id), quantity: Number(r.quantity_base) })) };
}

async function main(): Promise<void> {
  const conn = await openBenchDatabase(DB, RESEED);
  const [[counts]] = await conn.query('SELECT (SELECT COUNT(*) FROM lot) AS lots, (SELECT COUNT(*) FROM lot_provenance) AS prov') as unknown as [[{ lots: number; prov: number }]];
  let s: Seeded;
  // Data seeded before lots carried their public trace summary is not representative: reseed it.
  const [[{ unsummarised }]] = await conn.query('SELECT COUNT(*) AS unsummarised FROM (SELECT id FROM lot WHERE public_trace IS NULL LIMIT 1) x') as unknown as [[{ unsummarised: number }]];
  if (Number(unsummarised) > 0 && !RESEED) {
    log('seeded lots have no public trace summary (seeded by an older version): run again with --reseed');
    process.exit(1);
  }
  if (Number(counts.lots) >= LOTS && Number(counts.prov) >= PROVENANCE) {
    log(`reusing seeded data: ${Number(counts.lots).toLocaleString()} lots, ${Number(counts.prov).toLocaleString()} provenance rows`);
    const [[row]] = await conn.query(
      `SELECT c.id AS companyId, p.id AS pointId, w.id AS warehouseId, u.id AS userId, pr.id AS productId,
              (SELECT MIN(id) FROM consignment_line) AS firstLineId, (SELECT COUNT(*) FROM consignment_line) AS lineCount, (SELECT MIN(id) FROM consignment) AS firstConsignmentId
       FROM company c JOIN commerce_point p ON p.company_id = c.id JOIN warehouse w ON w.company_id = c.id JOIN staff_user u ON u.company_id = c.id JOIN product pr ON pr.company_id = c.id
       WHERE c.code = 'BENCHWH'`) as unknown as [[Record<string, string>]];
    s = { companyId: String(row.companyId), pointId: String(row.pointId), warehouseId: String(row.warehouseId), userId: String(row.userId), productId: String(row.productId),
      firstLineId: Number(row.firstLineId), lineCount: Number(row.lineCount), firstConsignmentId: Number(row.firstConsignmentId) };
  } else {
    if (Number(counts.lots) > 0) {
      log('existing data smaller than asked: run again with --reseed');
      process.exit(1);
    }
    log(`seeding ${LOTS.toLocaleString()} lots, ${PROVENANCE.toLocaleString()} provenance rows, ${LINES.toLocaleString()} consignment lines …`);
    const t0 = performance.now();
    s = await seed(conn);
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }

  const { AppModule } = await import('../../src/app.module');
  const { ReceivingService } = await import('../../src/batching/receiving.service');
  const { TraceService } = await import('../../src/warehouse/trace.service');
  const { Role } = await import('../../src/common/access/role.enum');
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const admin = { kind: 'staff' as const, id: s.userId, role: Role.ADMIN, companyId: s.companyId, pointIds: [], warehouseIds: [], regionPath: null };
  const receiving = app.get(ReceivingService);
  const trace = app.get(TraceService);

  // 1. Receiving a 2,000-line batch in one request: every line counted, a few damaged, one short.
  const receiveTimes: number[] = [];
  for (let run = 0; run < 2; run++) {
    const batch = await dispatchedBatch(conn, s, run * BATCH_LINES + Math.floor(Math.random() * 1000));
    const lines = batch.items.map((item, i) => (i % 50 === 0
      ? { batchItemId: item.id, receivedQuantityBase: item.quantity - 20, damagedQuantityBase: 10, complete: true }
      : { batchItemId: item.id, receivedQuantityBase: item.quantity }));
    const t0 = performance.now();
    const result = await receiving.receive(admin, batch.id, { requestId: randomUUID(), lines });
    receiveTimes.push(performance.now() - t0);
    if (result.batch.status !== 'CLOSED') throw new Error(`batch not received in full: ${result.batch.status}`);
  }

  // 2. Public trace lookups of random lots.
  const [[{ lo, hi }]] = await conn.query('SELECT MIN(id) AS lo, MAX(id) AS hi FROM lot') as unknown as [[{ lo: number; hi: number }]];
  const codes: string[] = [];
  while (codes.length < LOOKUPS) {
    const ids = Array.from({ length: Math.min(500, LOOKUPS - codes.length) }, () => Number(lo) + Math.floor(Math.random() * (Number(hi) - Number(lo) + 1)));
    const [rows] = await conn.query('SELECT trace_code FROM lot WHERE id IN (?)', [ids]);
    codes.push(...(rows as Array<{ trace_code: string }>).map((r) => r.trace_code));
  }
  for (const code of codes.slice(0, 50)) await trace.publicTrace(code); // warm-up
  const lookups: number[] = [];
  let contributors = 0;
  for (const code of codes) {
    const t0 = performance.now();
    const page = await trace.publicTrace(code);
    lookups.push(performance.now() - t0);
    contributors += page.contributors.length;
  }
  lookups.sort((a, b) => a - b);
  const [[sizes]] = await conn.query('SELECT (SELECT COUNT(*) FROM lot) AS lots, (SELECT COUNT(*) FROM lot_provenance) AS prov') as unknown as [[{ lots: number; prov: number }]];
  await app.close();
  await conn.end();

  const table = [
    ['measure', 'result', 'target'],
    [`receive a ${BATCH_LINES.toLocaleString()}-line batch (one request, service)`, receiveTimes.map((t) => `${(t / 1000).toFixed(2)} s`).join(' / '), '< 2 s'],
    [`public trace lookup, ${LOOKUPS.toLocaleString()} sequential (avg ${(contributors / codes.length).toFixed(1)} contributors)`, `p50 ${pct(lookups, 50).toFixed(2)} ms, p99 ${pct(lookups, 99).toFixed(2)} ms`, 'p99 < 20 ms'],
    ['data', `${Number(sizes.lots).toLocaleString()} lots, ${Number(sizes.prov).toLocaleString()} provenance rows`, '1 M lots, 10 M provenance'],
  ];
  emitResult({ figure: `warehouse: receive a ${BATCH_LINES.toLocaleString()}-line batch (slowest of 2)`, value: Math.max(...receiveTimes) / 1000, unit: 's', target: '< 2 s' });
  emitResult({ figure: 'warehouse: public trace lookup p50', value: pct(lookups, 50), unit: 'ms' });
  emitResult({ figure: 'warehouse: public trace lookup p99', value: pct(lookups, 99), unit: 'ms', target: '< 20 ms' });
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  process.stdout.write(`\n${table.map((r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ')).join('\n')}\n`);
  process.stdout.write('Other processes on this machine (test suites, other benchmarks) may have been running and change these figures.\n');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
