import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';

type Buffer = { columns: string[]; rows: unknown[][]; chunk: number };

/**
 * Buffers generated rows per table and writes them with multi-row INSERTs of `chunk` rows. One
 * statement per connection is in flight while the next chunk is generated, so the generator (node)
 * and the server (MariaDB) work at once. Counts rows and server time per table (with two
 * connections the per-table times overlap, so they add up to more than the wall time).
 */
export class BulkWriter {
  private readonly buffers = new Map<string, Buffer>();
  readonly stats = new Map<string, { rows: number; ms: number }>();
  /** one promise per connection: the statement it is running */
  private readonly inflight: Array<Promise<void>>;
  private turn = 0;
  private failure: unknown = null;

  /** With two connections, two statements run at once (the server has two cores). */
  constructor(private readonly conns: Connection[], private readonly defaultChunk = 5_000) {
    this.inflight = conns.map(() => Promise.resolve());
  }

  /** Declares a table's columns (and optionally its chunk size, smaller for wide rows). */
  table(name: string, columns: string[], chunk = this.defaultChunk): void {
    if (!this.buffers.has(name)) this.buffers.set(name, { columns, rows: [], chunk });
  }

  add(name: string, row: unknown[]): void {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`table ${name} not declared`);
    if (row.length !== b.columns.length) throw new Error(`${name}: ${row.length} values for ${b.columns.length} columns`);
    b.rows.push(row);
  }

  /** Sends every buffer that holds a full chunk (call between units of generated work). */
  async pump(): Promise<void> {
    for (const [name, b] of this.buffers) {
      while (b.rows.length >= b.chunk) await this.send(name, b, b.rows.splice(0, b.chunk));
    }
  }

  /** Sends everything buffered and waits for the server. */
  async flush(): Promise<void> {
    for (const [name, b] of this.buffers) {
      while (b.rows.length) await this.send(name, b, b.rows.splice(0, b.chunk));
    }
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
  }

  private async send(name: string, b: Buffer, rows: unknown[][]): Promise<void> {
    const k = this.turn++ % this.conns.length;
    await this.inflight[k];
    if (this.failure) throw this.failure;
    const sql = `INSERT INTO ${name} (${b.columns.join(', ')}) VALUES ?`;
    const t0 = performance.now();
    this.inflight[k] = this.conns[k].query(sql, [rows]).then(() => {
      const s = this.stats.get(name) ?? { rows: 0, ms: 0 };
      s.rows += rows.length;
      s.ms += performance.now() - t0;
      this.stats.set(name, s);
    }, (err: unknown) => { this.failure = err; });
  }
}
