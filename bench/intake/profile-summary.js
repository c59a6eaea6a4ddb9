/* eslint-disable no-console */
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by package / file and by function,
 * and inclusive time of the heaviest frames, so the share of each layer in a request is visible.
 *
 *   node bench/intake/profile-summary.js /tmp/intakeprof/CPU.*.cpuprofile [topN]
 */
const fs = require('fs');

const file = process.argv[2];
const top = Number(process.argv[3] ?? 30);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Only samples from the first request of the measured route on (START_FUNCTION, default the intake
// service's create): Nest's bootstrap and the logins before it would otherwise blur the picture.
const startFunction = process.env.START_FUNCTION ?? 'create';
const startUrl = process.env.START_URL ?? '/dist/src/intake/consignments.service.js';
const inStart = (id) => {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur).callFrame;
    if (cf.functionName === startFunction && cf.url.endsWith(startUrl)) return true;
  }
  return false;
};
const first = prof.samples.findIndex(inStart);
const self = new Map();
for (let i = Math.max(first, 0); i < prof.samples.length; i++) {
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
// Start-up (module loading, Nest bootstrap) and idle samples are left out: what remains is request work.
const isStartup = (id) => {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur).callFrame;
    if (cf.url.includes('run_main') || cf.functionName === '(idle)' || cf.functionName === '(program)') return true;
  }
  return false;
};
let skipped = 0;
for (const id of [...self.keys()]) if (isStartup(id)) { skipped += self.get(id); self.delete(id); }
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(cf) {
  const url = cf.url || '';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/src/')) return 'app:' + url.split('/dist/src/')[1].split('/')[0];
  if (url.startsWith('node:')) return url;
  return url ? url.replace(/^.*\//, '') : `(${cf.functionName || 'native'})`;
}
const label = (cf) => `${cf.functionName || '(anonymous)'} ${where(cf)}${cf.url ? ':' + (cf.lineNumber + 1) : ''}`;

const bump = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
const byPkg = new Map();
const byFn = new Map();
const incl = new Map();
const inclPkg = new Map();
for (const [id, t] of self) {
  const n = byId.get(id);
  bump(byPkg, where(n.callFrame), t);
  bump(byFn, label(n.callFrame), t);
  // inclusive: count each distinct label/package once per stack
  const seen = new Set();
  const seenPkg = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur).callFrame;
    const l = label(cf);
    if (!seen.has(l)) { seen.add(l); bump(incl, l, t); }
    const p = where(cf);
    if (!seenPkg.has(p)) { seenPkg.add(p); bump(inclPkg, p, t); }
  }
}
const pctOf = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const print = (title, m, n) => {
  console.log(`\n== ${title}`);
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, t]) => console.log(`${pctOf(t)}  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}`));
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s of request work sampled (${(skipped / 1e6).toFixed(1)} s idle / start-up left out)`);
const CATEGORIES = [
  ['socket writes (syscall; includes being preempted at the peer wake-up)', (cf) => ['writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String'].includes(cf.functionName)],
  ['garbage collector', (cf) => cf.functionName === '(garbage collector)'],
  ['typeorm', (cf) => where(cf) === 'typeorm'],
  ['mysql2 + sql-escaper', (cf) => ['mysql2', 'sql-escaper', 'lru.min', 'named-placeholders', 'iconv-lite', 'long', 'denque'].includes(where(cf))],
  ['class-validator / class-transformer', (cf) => ['class-validator', 'class-transformer', 'validator', 'libphonenumber-js'].includes(where(cf))],
  ['pino / pino-http / nestjs-pino', (cf) => /pino|sonic-boom|fast-redact|quick-format/.test(where(cf))],
  ['nest', (cf) => where(cf).startsWith('@nestjs/') || where(cf) === 'reflect-metadata' || where(cf) === 'rxjs'],
  ['express, router, body-parser, helmet, cors', (cf) => ['express', 'router', 'body-parser', 'raw-body', 'helmet', 'cors', 'type-is', 'mime-types', 'content-type', 'qs', 'finalhandler', 'send', 'on-finished', 'depd', 'debug', 'iconv-lite', 'media-typer', 'accepts', 'negotiator', 'path-to-regexp', 'parseurl', 'vary', 'encodeurl', 'etag', 'fresh', 'proxy-addr', 'forwarded', 'ipaddr.js', 'statuses', 'http-errors', 'setprototypeof', 'unpipe', 'bytes', 'ee-first', 'object-assign', 'safe-buffer', 'utils-merge', 'cookie', 'cookie-signature', 'serve-static', 'range-parser', 'escape-html', 'merge-descriptors', 'content-disposition', 'methods', 'call-bound', 'get-intrinsic', 'side-channel', 'side-channel-map', 'side-channel-list', 'side-channel-weakmap', 'dunder-proto', 'math-intrinsics', 'es-errors', 'object-inspect', 'function-bind', 'hasown', 'call-bind-apply-helpers', 'es-object-atoms', 'gopd', 'has-symbols', 'es-define-property', 'get-proto', 'is-promise', 'once', 'wrappy', 'inherits', 'toidentifier', 'mime-db'].includes(where(cf))],
  ['jwt (jsonwebtoken, jws, crypto)', (cf) => /jsonwebtoken|jws|jwa|@nestjs\/jwt|ecdsa|buffer-equal|safe-buffer|semver|lodash/.test(where(cf)) || /crypto/.test(cf.url)],
  ['app code (dist/src)', (cf) => where(cf).startsWith('app:')],
  ['node http', (cf) => /_http_|node:http/.test(cf.url)],
  ['node other (streams, events, async hooks, timers, buffers)', (cf) => cf.url.startsWith('node:')],
];
const cats = new Map();
for (const [id, t] of self) {
  const cf = byId.get(id).callFrame;
  const c = CATEGORIES.find(([, f]) => f(cf));
  bump(cats, c ? c[0] : `other (${where(cf)})`, t);
}
print('self time by category', cats, 40);
print('self time by package / app module', byPkg, top);
print('inclusive time by package / app module', inclPkg, top);
print('self time by function', byFn, top);
print('inclusive time by function', incl, top);
