/**
 * Notifications benchmark (ISSUE 8). Run: npm run bench:notify [-- --events 10000 --commands 1000]
 *
 * Creates and migrates its own database (village_commerce_bench_notify, dropped each run) and seeds
 * with bare multi-row INSERTs `--events` farmers with SMS consent. Then, with the real worker in its
 * own process (outbox relay, domain-event handlers, the `sms` queue and the outbox provider) and the
 * real API (HTTP on a local port) in this process:
 *   1. publishes one `consignment.received` outbox event per farmer in one transaction and times
 *      until every one is a SENT message (CONSIGNMENT_RECEIVED), next to a bare multi-row INSERT of
 *      the same number of sms_message rows;
 *   2. sends `--commands` signed `YE` (balance) commands to POST /api/v1/sms/inbound/outbox one after
 *      another, from as many farmers, and times each answer (reply row recorded and queued), next to
 *      a bare SELECT of the same farmers' balances.
 * Other engineers' work may run on this 2-core machine at the same time: figures vary between runs.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bull';
import { spawn } from 'child_process';
import { loadavg } from 'os';
import { performance } from 'perf_hooks';
import { BENCH_SECRETS, bulkInsert, emitResult, flag, log, openBenchDatabase, pct, seedInspectedGoods } from '../support';

const EVENTS = flag('events', 10_000);
const COMMANDS = flag('commands', 1_000);
const DB = process.env.BENCH_DB_NAME ?? 'village_commerce_bench_notify';

Object.assign(process.env, {
  DB_NAME: DB, QUEUE_PREFIX: 'bench_notify', LOG_LEVEL: 'warn', ...BENCH_SECRETS,
  // A notice published during quiet hours would only be scheduled; the benchmark measures sending.
  SMS_QUIET_HOURS: 'off', SMS_PROVIDER: 'outbox',
});

const ms = (v: number) => `${v.toFixed(2)} ms`;
const rate = (n: number, millis: number) => Math.round(n / (millis / 1000)).toLocaleString();

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${label}: not done within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The worker as its own process (`src/worker.ts`, as `npm run start:worker` runs it) with this
 * benchmark's environment, so the API's latency is not measured behind the worker's jobs in one event loop.
 */
async function startWorkerProcess(): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/worker.ts'], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return {
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const conn = await openBenchDatabase(DB, true);
  log(`seeding ${EVENTS.toLocaleString()} farmers with SMS consent …`);
  const g = await seedInspectedGoods(conn, {
    companyCode: 'BENCHNOTIFY', adminUsername: 'bench_notify_admin', villages: 10, farmers: EVENTS, lines: 2,
    product: { code: 'JD', name: '土鸡蛋', baseUnit: 'PIECE', unitName: '枚', unitSizeBase: 1 },
    sku: { code: 'JD-30', name: '土鸡蛋30枚', contentBasePerPack: 30 },
    line: { quantityText: '30', quantityBase: 30, priceFen: 200 },
  });
  const farmerIds = Array.from({ length: EVENTS }, (_, i) => String(g.farmerBase + i));
  // Balances for the YE commands: a payable account per farmer (no entries needed for the reply).
  await bulkInsert(conn, 'ledger_account', ['company_id', 'owner_type', 'owner_id', 'account_type', 'balance_fen'], Math.min(COMMANDS, EVENTS),
    (i) => [g.companyId, 'FARMER', farmerIds[i], 'FARMER_PAYABLE', 1000 + i]);

  const { getQueueToken } = await import('@nestjs/bull');
  const { AppModule } = await import('../../src/app.module');
  const { APP_OPTIONS, configureApp } = await import('../../src/app.setup');
  const { OutboxService } = await import('../../src/outbox/outbox.service');
  const { QUEUES } = await import('../../src/queues/queue-names');
  const { signBody } = await import('../../src/notifications/sms-callbacks');
  const { DataSource } = await import('typeorm');

  const api: INestApplication = await NestFactory.create(AppModule, { ...APP_OPTIONS, logger: ['error', 'warn'] });
  configureApp(api);
  await api.listen(0, '127.0.0.1');
  const port = (api.getHttpServer().address() as { port: number }).port;
  for (const q of [QUEUES.DOMAIN_EVENTS, QUEUES.SMS, QUEUES.TIMED_JOBS]) await api.get(getQueueToken(q)).obliterate({ force: true });
  // The per-phone rate windows of an earlier run (or pass) would defer the next messages by up to a day.
  const redis = api.get<Queue>(getQueueToken(QUEUES.SMS)).client;
  const clearRateWindows = async () => {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'bench_notify:smsrl:*', 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  };
  await clearRateWindows();
  const worker = await startWorkerProcess();

  // 0. Bare baseline: the same number of sms_message rows in one multi-row INSERT per 5,000.
  let t = performance.now();
  await bulkInsert(conn, 'sms_message', ['source_key', 'recipient_phone', 'recipient_role', 'company_id', 'farmer_id', 'template', 'params', 'body', 'status'], EVENTS,
    (i) => [`bare:${i}`, `139${String(i).padStart(8, '0')}`, 'FARMER', g.companyId, farmerIds[i], 'CONSIGNMENT_RECEIVED', '{}', `吴金${i}您好，您在基准服务点交售的货品已登记，单号BWH-B-${i}：土鸡蛋30枚。质检后另行通知。`, 'SENT'], 'bare sms_message');
  const bareInsertMs = performance.now() - t;
  await conn.query(`DELETE FROM sms_message WHERE source_key LIKE 'bare:%'`);

  // 1. Events → SENT messages through relay, handlers, SMS queue and the outbox provider.
  const ds = api.get(DataSource);
  const eventsFor = (tag: string) => farmerIds.map((farmerId, i) => ({
    eventType: 'consignment.received', aggregateType: 'consignment', aggregateId: String(g.firstConsignmentId + i),
    payload: { consignmentId: String(g.firstConsignmentId + i), receiptNo: `BWH-${tag}-${i}`, companyId: g.companyId, pointId: g.pointId, farmerId, lines: [{ productId: g.productId, quantity: '30', unit: '枚' }] },
  }));
  const events = eventsFor('N');
  const count = async (where: string) => Number((await conn.query(`SELECT COUNT(*) AS n FROM sms_message WHERE template = 'CONSIGNMENT_RECEIVED' AND ${where}`) as unknown as [[{ n: number }]])[0][0].n);
  const lastMessageId = async () => Number((await conn.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM sms_message') as unknown as [[{ maxId: number }]])[0][0].maxId);
  // Warm-up (connections, JIT, ORM metadata) with a tenth of the events, not measured.
  const warm = eventsFor('W').slice(0, Math.max(1, Math.floor(EVENTS / 10)));
  const warmFrom = await lastMessageId();
  await ds.transaction((em) => api.get(OutboxService).publish(em, ...warm));
  await waitFor(async () => (await count(`id > ${warmFrom} AND status = 'SENT'`)) >= warm.length, 600_000, 'warm-up');
  await clearRateWindows();

  log(`publishing ${EVENTS.toLocaleString()} consignment.received events and waiting until every message is SENT …`);
  const firstFrom = await lastMessageId();
  t = performance.now();
  await ds.transaction((em) => api.get(OutboxService).publish(em, ...events));
  const published = performance.now();
  const publishMs = published - t;
  let relayedAt = 0;
  let recordedAt = 0;
  await waitFor(async () => {
    if (!relayedAt && Number((await conn.query(`SELECT COUNT(*) AS n FROM outbox_event WHERE status = 'PENDING'`) as unknown as [[{ n: number }]])[0][0].n) === 0) relayedAt = performance.now();
    if (!recordedAt && (await count(`id > ${firstFrom}`)) >= EVENTS) recordedAt = performance.now();
    return (await count(`id > ${firstFrom} AND status = 'SENT'`)) >= EVENTS;
  }, 600_000, 'events to SENT');
  const sentAt = performance.now();
  const eventsMs = sentAt - published;
  const [[dupes]] = await conn.query(`SELECT COUNT(*) - COUNT(DISTINCT farmer_id) AS n FROM sms_message WHERE template = 'CONSIGNMENT_RECEIVED' AND id > ?`, [firstFrom]) as unknown as [[{ n: number }]];
  if (Number(dupes.n) !== 0) throw new Error('a farmer got the receipt twice');
  const load1 = loadavg();

  // 1b. The same again in two stages, to see where the time goes: with sending paused, events →
  // recorded and queued messages; then sending alone.
  await clearRateWindows();
  // Paused for every worker (in Redis), not only this process's queue object.
  const smsQueue = api.get<Queue>(getQueueToken(QUEUES.SMS));
  await smsQueue.pause();
  const since = `id > ${await lastMessageId()}`;
  await ds.transaction((em) => api.get(OutboxService).publish(em, ...eventsFor('S')));
  const stagePublished = performance.now();
  await waitFor(async () => (await count(since)) >= EVENTS, 600_000, 'stage: events to messages');
  const stageRecordedMs = performance.now() - stagePublished;
  const resumed = performance.now();
  await smsQueue.resume();
  await waitFor(async () => (await count(`${since} AND status = 'SENT'`)) >= EVENTS, 600_000, 'stage: messages to SENT');
  const stageSentMs = performance.now() - resumed;

  // 2. YE commands through the signed webhook, one after another, each from its own farmer.
  const secret = process.env.SMS_WEBHOOK_SECRET as string;
  const phones = Array.from({ length: Math.min(COMMANDS, EVENTS) }, (_, i) => `139${String(i).padStart(8, '0')}`);
  const send = async (phone: string, id: string) => {
    const raw = JSON.stringify({ id, phone, text: 'YE' });
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/sms/inbound/outbox`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Sms-Signature': signBody(secret, raw) }, body: raw,
    });
    if (res.status !== 200) throw new Error(`inbound answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 20; i++) await send(phones[i], `warm-${i}`);
  const latencies: number[] = [];
  for (let i = 0; i < phones.length; i++) {
    const t1 = performance.now();
    await send(phones[i], `ye-${i}`);
    latencies.push(performance.now() - t1);
  }
  latencies.sort((a, b) => a - b);
  const bare: number[] = [];
  for (let i = 0; i < phones.length; i++) {
    const t1 = performance.now();
    await conn.query(`SELECT a.balance_fen FROM farmer f JOIN ledger_account a ON a.owner_type = 'FARMER' AND a.owner_id = f.id AND a.account_type = 'FARMER_PAYABLE' WHERE f.phone = ? AND f.active = 1`, [phones[i]]);
    bare.push(performance.now() - t1);
  }
  bare.sort((a, b) => a - b);
  const [[replies]] = await conn.query(`SELECT COUNT(*) AS n, SUM(body LIKE '%余额%') AS balance FROM sms_message WHERE source_key LIKE 'inbound:outbox:ye-%'`) as unknown as [[{ n: number; balance: number }]];
  if (Number(replies.n) !== phones.length || Number(replies.balance) !== phones.length) throw new Error('not every YE command got its balance reply');
  const load2 = loadavg();

  const lines = [
    '',
    `Notifications benchmark — ${new Date().toISOString()} — database ${DB}`,
    `load average (1/5/15 min): before ${load0.map((x) => x.toFixed(2)).join('/')}, after the events ${load1.map((x) => x.toFixed(2)).join('/')}, after the commands ${load2.map((x) => x.toFixed(2)).join('/')}`,
    'note: the API runs in this process, the worker in its own (src/worker.ts); other sessions share this 2-core machine.',
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| bare multi-row INSERT of ${EVENTS.toLocaleString()} sms_message rows (5,000/statement) | ${(bareInsertMs / 1000).toFixed(2)} s, ${rate(EVENTS, bareInsertMs)} rows/s | baseline |`,
    `| publish ${EVENTS.toLocaleString()} consignment.received events (one transaction) | ${(publishMs / 1000).toFixed(2)} s | — |`,
    `| events relayed to the domain-events queue (outbox relay, ${process.env.OUTBOX_RELAY_BATCH_SIZE ?? 200} a batch) | ${((relayedAt - published) / 1000).toFixed(2)} s, ${rate(EVENTS, relayedAt - published)}/s | — |`,
    `| events → message rows recorded (relay + handlers) | ${((recordedAt - published) / 1000).toFixed(2)} s, ${rate(EVENTS, recordedAt - published)}/s | — |`,
    `| events → SENT messages (relay, handlers, sms queue, outbox provider) | ${(eventsMs / 1000).toFixed(2)} s, **${rate(EVENTS, eventsMs)} messages/s** | ≥ 1,000/s |`,
    `| stage A: events → messages recorded and queued, sending paused | ${(stageRecordedMs / 1000).toFixed(2)} s, ${rate(EVENTS, stageRecordedMs)} events/s | — |`,
    `| stage B: queued messages → SENT, sending alone | ${(stageSentMs / 1000).toFixed(2)} s, ${rate(EVENTS, stageSentMs)} messages/s | — |`,
    `| ${phones.length.toLocaleString()} YE commands through the signed webhook, sequential (HTTP round trip) | p50 ${ms(pct(latencies, 50))}, **p99 ${ms(pct(latencies, 99))}**, max ${ms(latencies[latencies.length - 1])} | p99 < 50 ms |`,
    `| bare SELECT of the same farmers' balances by phone | p50 ${ms(pct(bare, 50))}, p99 ${ms(pct(bare, 99))} | baseline |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  emitResult({ figure: `notify: ${EVENTS.toLocaleString()} events → SENT messages`, value: EVENTS / (eventsMs / 1000), unit: '/s', target: '≥ 1,000/s', baseline: EVENTS / (bareInsertMs / 1000) });
  emitResult({ figure: 'notify: YE command reply p99', value: pct(latencies, 99), unit: 'ms', target: '< 50 ms', baseline: pct(bare, 99) });
  await worker.stop();
  await api.close();
  await conn.end();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
