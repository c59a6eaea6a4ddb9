import cluster, { Worker } from 'node:cluster';

/**
 * More than one API process on a host (`API_PROCESSES`): one Node process runs on one core, so a
 * server with several cores serves more requests with as many processes. They share the port
 * (node:cluster hands each connection to one of them) and nothing else: the API keeps no state of
 * its own (tokens are signed, idempotency and refresh tokens live in the database), so N processes
 * behave like N servers behind a load balancer. This primary only forks, restarts and stops them.
 */
export type SupervisorOptions = {
  /** the worker script (default: this process's own entry point, i.e. main.js) */
  exec?: string;
  /** wait before a crashed process is replaced */
  restartDelayMs?: number;
  log?: (message: string) => void;
};

export function superviseApiProcesses(count: number, options: SupervisorOptions = {}): void {
  // eslint-disable-next-line no-console
  const log = options.log ?? ((m: string) => console.error(m));
  const restartDelayMs = options.restartDelayMs ?? 1000;
  if (options.exec) cluster.setupPrimary({ exec: options.exec });
  const listening = new WeakSet<Worker>();
  let everListened = false;
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', () => { listening.add(worker); everListened = true; });
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    // A process that dies before it ever listened failed to boot (bad configuration, database down):
    // starting it again would only loop, so the whole service stops and says so.
    if (!listening.has(worker) && !everListened) {
      log(`API process ${worker.process.pid} failed to start (${signal ?? `exit ${code}`}); stopping`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    log(`API process ${worker.process.pid} exited (${signal ?? `exit ${code}`}); starting another in ${restartDelayMs} ms`);
    setTimeout(() => { if (!stopping) fork(); }, restartDelayMs);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < count; i++) fork();
}

/** True in the process that should serve HTTP itself: always with one process, else each forked one. */
export const servesHttp = (count: number) => count <= 1 || !cluster.isPrimary;
