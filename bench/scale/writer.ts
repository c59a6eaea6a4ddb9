import { Connection } from 'mysql2/promise';
import { performance } from 'perf_hooks';

type Buffer = { columns: string[]; rows: unknown[][]; chunk: number };

/**
 * Buffers generated rows per table and writes them with multi-row INSERTs of `chunk` rows. One
 * statement is in flight at a time while the next chunk is generated, so the generator (node) and
 * the server (MariaDB) work at once on the two cores. Counts rows and server time per table.
 */
export class BulkWriter {
  private readonly buffers = new Map<string, Buffer>();
  readonly stats = new Map<string, { rows: number; ms: number }>();
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(private readonly conn: Connection, private readonly defaultChunk = 5_000) {}

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
    await this.settle();
  }

  private async settle(): Promise<void> {
    await this.inflight;
    if (this.failure) throw this.failure;
  }

  private async send(name: string, b: Buffer, rows: unknown[][]): Promise<void> {
    await this.settle();
    const sql = `INSERT INTO ${name} (${b.columns.join(', ')}) VALUES ?`;
    const t0 = performance.now();
    this.inflight = this.conn.query(sql, [rows]).then(() => {
      const s = this.stats.get(name) ?? { rows: 0, ms: 0 };
      s.rows += rows.length;
      s.ms += performance.now() - t0;
      this.stats.set(name, s);
    }, (err: unknown) => { this.failure = err; });
  }
}
