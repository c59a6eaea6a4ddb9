/**
 * npm run bench [-- --full] [--only intake,sales]
 *
 * Runs every benchmark script of package.json (`bench:<name>`, found when this starts, so
 * benchmarks added later are picked up) one after another, with modest sizes unless --full, and
 * collects the `BENCH_RESULT {json}` lines each prints (bench/support.ts emitResult). Writes one
 * table — figure, value, target, bare baseline of the same run, ratio — to stdout and to
 * bench/results.md, with the machine it ran on. A script that prints no such line still gets a row
 * (its exit status), so nothing fails silently.
 */
import { execSync, spawn } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { cpus, loadavg, totalmem } from 'os';
import path from 'path';

const ROOT = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const FULL = argv.includes('--full');
const onlyAt = argv.indexOf('--only');
const ONLY = onlyAt >= 0 ? new Set(String(argv[onlyAt + 1]).split(',')) : null;

/** The order they run in; any other bench:* script runs after these. */
const ORDER = ['intake', 'warehouse', 'settlement', 'sales', 'parcels', 'notify', 'reports', 'exports'];

/**
 * Modest sizes for the suite (a few minutes each on the 2-core machine); --full runs each script's
 * own defaults (the sizes its README section reports). Each gets its own database so a full-size
 * seed kept by a script is not replaced by a small one.
 */
const MODEST: Record<string, { args: string[]; env: Record<string, string> }> = {
  intake: { args: [], env: { BENCH_CONCURRENCY: '8', BENCH_SECONDS: '5' } },
  warehouse: { args: ['--lots', '20000', '--provenance', '200000', '--lookups', '500', '--batch-lines', '2000'], env: {} },
  settlement: { args: ['--entries', '100000', '--farmers', '10000'], env: {} },
  // the issue's figure is 100 k sale lines (a few seconds each transaction; 10 k lines are mostly warm-up)
  sales: { args: ['--lines', '100000', '--orders', '20000'], env: {} },
  parcels: { args: ['--parcels', '200000', '--manifest', '10000', '--points', '300', '--pickups', '300'], env: {} },
  notify: { args: ['--events', '3000', '--commands', '300'], env: {} },
  reports: { args: ['--points', '150', '--days', '120', '--iterations', '30'], env: {} },
  exports: { args: ['--rows', '100000', '--small', '10000'], env: {} },
};

type Result = { bench: string; figure: string; value: number | null; unit: string; target: string | null; baseline: number | null; note?: string };

function run(name: string): Promise<{ code: number; results: Result[]; seconds: number }> {
  const modest = FULL ? { args: [], env: {} } : MODEST[name] ?? { args: [], env: { BENCH_QUICK: '1' } };
  const env = { ...process.env, ...modest.env, ...(FULL ? {} : { BENCH_DB_NAME: `village_commerce_bench_suite_${name}`, BENCH_QUICK: '1' }) };
  const args = ['run', '-s', `bench:${name}`, ...(modest.args.length ? ['--', ...modest.args] : [])];
  process.stdout.write(`\n=== bench:${name} ${modest.args.join(' ')} ${Object.entries(modest.env).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const results: Result[] = [];
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      rest += chunk.toString('utf8');
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^BENCH_RESULT (\{.*\})\s*$/.exec(line);
        if (!m) continue;
        try {
          const r = JSON.parse(m[1]) as Omit<Result, 'bench'>;
          results.push({ bench: name, figure: r.figure, value: r.value, unit: r.unit, target: r.target ?? null, baseline: r.baseline ?? null });
        } catch { /* a malformed line is reported as missing figures below */ }
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, results, seconds: (Date.now() - t0) / 1000 }));
  });
}

const fmt = (v: number | null, unit: string) => (v === null ? '—' : `${Number.isInteger(v) ? v.toLocaleString('en') : v.toLocaleString('en', { maximumFractionDigits: 2 })} ${unit}`.trim());

function machine(): string {
  const q = (sql: string) => { try { return execSync(`mysql -uroot -h127.0.0.1 -N -e "${sql}"`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return '?'; } };
  const pool = Number(q('SELECT @@innodb_buffer_pool_size'));
  return `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, MariaDB ${q('SELECT VERSION()')} with a ${Number.isFinite(pool) ? Math.round(pool / 2 ** 20) : '?'} MB buffer pool, `
    + `load average at start ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`;
}

async function main(): Promise<void> {
  const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
    .filter((s) => s.startsWith('bench:')).map((s) => s.slice('bench:'.length));
  const names = [...ORDER.filter((n) => scripts.includes(n)), ...scripts.filter((n) => !ORDER.includes(n)).sort()].filter((n) => !ONLY || ONLY.has(n));
  const started = new Date();
  const host = machine();
  process.stdout.write(`benchmarks: ${names.join(', ')} (${FULL ? 'full sizes' : 'modest sizes'}) on ${host}\n`);
  const all: Result[] = [];
  const runs: Array<{ name: string; code: number; seconds: number }> = [];
  for (const name of names) {
    const r = await run(name);
    runs.push({ name, code: r.code, seconds: r.seconds });
    all.push(...r.results);
    if (r.results.length === 0) all.push({ bench: name, figure: `${name}: no BENCH_RESULT figures`, value: null, unit: '', target: null, baseline: null, note: `exit ${r.code}` });
    else if (r.code !== 0) all.push({ bench: name, figure: `${name}: exited ${r.code} after its figures`, value: null, unit: '', target: null, baseline: null });
  }
  const rows = all.map((r) => [r.figure, fmt(r.value, r.unit), r.target ?? '—', fmt(r.baseline, r.unit),
    r.value !== null && r.baseline ? `${(r.value / r.baseline).toFixed(2)}×` : '—']);
  const table = ['| figure | value | target | bare baseline (same run) | ratio |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const md = [
    '# Benchmark results', '',
    `Last \`npm run bench${FULL ? ' -- --full' : ''}\`: ${started.toISOString()} (${FULL ? 'each script\'s full default sizes' : 'modest sizes, see bench/README.md'}).`, '',
    `Machine: ${host}. Other sessions' test suites and benchmarks may have been running on the same machine; figures include that noise.`, '',
    table, '',
    `Runs: ${runs.map((r) => `${r.name} ${r.seconds.toFixed(0)} s${r.code ? ` (exit ${r.code})` : ''}`).join(', ')}.`, '',
    'Ratio = value ÷ bare baseline: for a rate (/s) the share of the bare figure reached, for a time how many times the bare time.', '',
  ].join('\n');
  writeFileSync(path.join(__dirname, 'results.md'), md);
  process.stdout.write(`\n${table}\n\nwritten to bench/results.md\n`);
  if (runs.some((r) => r.code !== 0)) process.exitCode = 1;
}

main().catch((err: Error) => { process.stderr.write(`${err.stack ?? err.message}\n`); process.exit(1); });
