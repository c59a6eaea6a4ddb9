import { ChildProcess, spawn } from 'child_process';
import http from 'http';
import path from 'path';
import { freePort } from '../support/tcp-proxy';

/**
 * `API_PROCESSES=N` (src/api-processes.ts, used by src/main.ts): the primary forks N processes that
 * share the port, replaces one that dies, stops them all on SIGTERM, and stops with exit code 1 when
 * they cannot boot — real processes and a real port, with a stand-in API (test/fixtures/api-processes.js).
 */
describe('Several API processes on one host (e2e)', () => {
  const fixture = path.join(__dirname, '..', 'fixtures', 'api-processes.js');
  let primary: ChildProcess | null = null;
  let output = '';

  const start = (env: Record<string, string>) => {
    output = '';
    primary = spawn(process.execPath, [fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    primary.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
    primary.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    return primary;
  };
  const until = async (what: () => boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out; output so far:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode); else p.once('exit', (code) => resolve(code));
  });
  // a new connection each time, so the primary hands each to the next process
  const pidAt = (port: number) => new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(Number(body)));
    }).on('error', reject);
  });
  const pidsAnswering = async (port: number, requests = 12) => {
    const pids = new Set<number>();
    for (let i = 0; i < requests; i++) pids.add(await pidAt(port));
    return pids;
  };
  const listeningCount = () => output.split('API listening').length - 1;

  afterEach(async () => {
    if (primary && primary.exitCode === null) {
      primary.kill('SIGKILL');
      await exited(primary);
    }
    primary = null;
  });

  it('should serve one port from N processes, replace one that dies, and stop them all on SIGTERM', async () => {
    const port = await freePort();
    const p = start({ COUNT: '3', PORT: String(port) });
    await until(() => listeningCount() === 3);
    const first = await pidsAnswering(port);
    expect(first.size).toBe(3);
    expect(first.has(p.pid!)).toBe(false); // the primary itself serves nothing

    const victim = [...first][0];
    process.kill(victim, 'SIGKILL');
    await until(() => listeningCount() === 4);
    expect(output).toContain(`API process ${victim} exited (SIGKILL); starting another`);
    const after = await pidsAnswering(port);
    expect(after.size).toBe(3);
    expect(after.has(victim)).toBe(false);

    p.kill('SIGTERM');
    expect(await exited(p)).toBe(0);
    for (const pid of after) expect(() => process.kill(pid, 0)).toThrow(); // none left behind
  });

  it('should stop with exit code 1, without restarting in a loop, when the processes cannot boot', async () => {
    const p = start({ COUNT: '2', PORT: String(await freePort()), FAIL_BOOT: '1' });
    expect(await exited(p)).toBe(1);
    expect(output).toMatch(/API process \d+ failed to start \(exit 3\); stopping/);
    expect(output.split('cannot boot').length - 1).toBeLessThanOrEqual(2);
  });
});
