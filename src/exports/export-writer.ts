import * as ExcelJS from 'exceljs';
import type { Response } from 'express';
import { once } from 'events';
import { PassThrough, Writable } from 'stream';
import { formatYuan } from '../common/money';
import { ExportColumn, ExportFormat, ExportRow } from './export-column';

/**
 * The one way a list leaves the service as a file. Rows are pulled from an async iterable (a keyset
 * reader over MariaDB) and written as they come, waiting for the socket to drain whenever it is
 * full, so memory stays at a couple of chunks of rows whatever the size of the export.
 *
 * CSV: UTF-8 with a BOM (Excel otherwise opens Chinese as mojibake), RFC 4180 quoting, CRLF,
 * and cells that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with '.
 * XLSX: exceljs' streaming WorkbookWriter (no shared strings table, so nothing accumulates),
 * numbers as numbers with formats, times shown in Asia/Shanghai.
 * Money (`fen` columns) is written twice: yuan with two decimals (formatted from the integer,
 * never through a float in CSV) and the exact integer fen.
 */
export type ExportSpec = {
  format: ExportFormat;
  /** file name without extension, may be Chinese (e.g. 交售单-20261123) */
  filename: string;
  columns: ExportColumn[];
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>;
  /** worksheet name (xlsx), ≤ 31 characters; defaults to 数据 */
  sheetName?: string;
};

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** A leaf column of the file: a `fen` column becomes a yuan column and a fen column. */
type FileColumn = { source: ExportColumn; header: string; write: 'text' | 'int' | 'yuan' | 'fen' | 'date' | 'datetime' | 'percent' };

export function fileColumns(columns: ExportColumn[]): FileColumn[] {
  return columns.flatMap((c): FileColumn[] => {
    switch (c.kind) {
      case 'fen':
        return [{ source: c, header: `${c.header}（元）`, write: 'yuan' }, { source: c, header: `${c.header}（分）`, write: 'fen' }];
      default:
        return [{ source: c, header: c.header, write: c.kind }];
    }
  });
}

/** Cells a spreadsheet would evaluate as a formula (OWASP CSV injection) get a leading apostrophe. */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 'YYYY-MM-DD HH:mm:ss' in Asia/Shanghai (no daylight saving: a constant +08:00). */
export function shanghaiDateTime(d: Date): string {
  const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return `${s.getUTCFullYear()}-${pad2(s.getUTCMonth() + 1)}-${pad2(s.getUTCDate())} ${pad2(s.getUTCHours())}:${pad2(s.getUTCMinutes())}:${pad2(s.getUTCSeconds())}`;
}

function dayText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = toDate(value);
  return d ? shanghaiDateTime(d).slice(0, 10) : null;
}

function integer(value: unknown, key: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isSafeInteger(n)) throw new RangeError(`export column ${key}: not a safe integer: ${String(value)}`);
  return n;
}

function textOf(col: ExportColumn, value: unknown): string {
  if (value === null || value === undefined) return '';
  const raw = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return col.labels?.[raw] ?? raw;
}

/** Percent with two decimals from a fraction, rounded half up on the basis points (0.125 → 12.50%). */
function percentText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const hundredths = Math.round(Number(value) * 10_000);
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.trunc(abs / 100)}.${pad2(abs % 100)}%`;
}

function csvCell(c: FileColumn, row: ExportRow): string {
  const value = row[c.source.key];
  switch (c.write) {
    case 'text': return csvField(guardFormula(textOf(c.source, value)));
    case 'int': { const n = integer(value, c.source.key); return n === null ? '' : String(n); }
    case 'fen': { const n = integer(value, c.source.key); return n === null ? '' : String(n); }
    case 'yuan': { const n = integer(value, c.source.key); return n === null ? '' : formatYuan(n); }
    case 'date': return dayText(value) ?? '';
    case 'datetime': { const d = toDate(value); return d ? shanghaiDateTime(d) : ''; }
    case 'percent': return percentText(value);
  }
}

export function csvHeaderLine(columns: FileColumn[]): string {
  return columns.map((c) => csvField(guardFormula(c.header))).join(',') + '\r\n';
}

export function csvLine(columns: FileColumn[], row: ExportRow): string {
  return columns.map((c) => csvCell(c, row)).join(',') + '\r\n';
}

const XLSX_FORMATS: Record<FileColumn['write'], string | undefined> = {
  text: '@', int: '0', fen: '0', yuan: '0.00', date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm:ss', percent: '0.00%',
};

function xlsxCell(c: FileColumn, row: ExportRow): ExcelJS.CellValue {
  const value = row[c.source.key];
  switch (c.write) {
    // A text cell is always a string cell (never a formula), so nothing in it is evaluated.
    case 'text': return value === null || value === undefined ? null : textOf(c.source, value);
    case 'int':
    case 'fen': return integer(value, c.source.key);
    // exceljs stores numbers as doubles; the exact value is in the fen column next to it.
    case 'yuan': { const n = integer(value, c.source.key); return n === null ? null : n / 100; }
    case 'date': { const day = dayText(value); return day ? new Date(`${day}T00:00:00.000Z`) : null; }
    // Excel has no time zones: write the Shanghai wall-clock time as the cell's time.
    case 'datetime': { const d = toDate(value); return d ? new Date(d.getTime() + SHANGHAI_OFFSET_MS) : null; }
    case 'percent': return value === null || value === undefined || value === '' ? null : Number(value);
  }
}

type Sink = { stream: Writable; closed: () => boolean };

/** Waits until the sink takes more (or is gone), removing its listeners either way. */
async function drained(sink: Sink): Promise<void> {
  if (!sink.stream.writableNeedDrain || sink.closed()) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      sink.stream.off('drain', done);
      sink.stream.off('close', done);
      resolve();
    };
    sink.stream.on('drain', done);
    sink.stream.on('close', done);
  });
}

async function* asAsync(rows: AsyncIterable<ExportRow> | Iterable<ExportRow>): AsyncGenerator<ExportRow> {
  yield* rows;
}

/** How many rows are gathered into one write (fewer, larger socket writes). */
const CSV_BATCH_ROWS = 500;

async function writeCsv(sink: Sink, spec: ExportSpec, columns: FileColumn[]): Promise<number> {
  let rowCount = 0;
  let batch = '\uFEFF' + csvHeaderLine(columns);
  for await (const row of asAsync(spec.rows)) {
    if (sink.closed()) break;
    batch += csvLine(columns, row);
    rowCount++;
    if (rowCount % CSV_BATCH_ROWS === 0) {
      sink.stream.write(batch);
      batch = '';
      await drained(sink);
    }
  }
  if (!sink.closed()) {
    if (batch) sink.stream.write(batch);
    sink.stream.end();
  }
  return rowCount;
}

async function writeXlsx(sink: Sink, spec: ExportSpec, columns: FileColumn[]): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink.stream, useStyles: true, useSharedStrings: false });
  workbook.creator = '村级商务服务点后台';
  const sheet = workbook.addWorksheet((spec.sheetName ?? '数据').replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((c, i) => ({
    key: `c${i}`,
    width: c.write === 'datetime' ? 20 : c.write === 'text' ? Math.max(12, c.header.length * 2 + 2) : Math.max(10, c.header.length * 2),
    style: { numFmt: XLSX_FORMATS[c.write] },
  }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  let rowCount = 0;
  for await (const row of asAsync(spec.rows)) {
    if (sink.closed()) break;
    sheet.addRow(columns.map((c) => xlsxCell(c, row))).commit();
    rowCount++;
    // The zip is piped to the sink: when the sink is full, rows wait here instead of piling up in the zip.
    if (rowCount % 200 === 0) await drained(sink);
  }
  if (sink.closed()) {
    // The client went away: finishing the zip would wait forever for a stream that is gone.
    (workbook as unknown as { zip: { abort: () => void } }).zip.abort();
    return rowCount;
  }
  sheet.commit();
  await workbook.commit();
  return rowCount;
}

/** Writes the whole export to a writable stream (the HTTP response, or a buffer). Resolves with the row count. */
export async function writeExport(stream: Writable, spec: ExportSpec): Promise<{ rowCount: number }> {
  let closed = false;
  stream.once('close', () => { closed = true; });
  const sink: Sink = { stream, closed: () => closed || stream.destroyed };
  const columns = fileColumns(spec.columns);
  const rowCount = spec.format === 'csv' ? await writeCsv(sink, spec, columns) : await writeXlsx(sink, spec, columns);
  return { rowCount };
}

/** The whole file in memory: only for small exports (inline delivery, dashboards' tables). */
export async function bufferExport(spec: ExportSpec): Promise<Buffer> {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (b: Buffer) => parts.push(b));
  const ended = once(sink, 'end');
  await writeExport(sink, spec);
  await ended;
  return Buffer.concat(parts);
}

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987) for Chinese file names. */
export function contentDisposition(filename: string, format: ExportFormat): string {
  const full = `${filename}.${format}`;
  const ascii = full.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(full)}`;
}

/**
 * Streams an export to an Express response. The first row is read before any header is sent, so a
 * failure to start (the database refusing the query) still answers with the normal error body;
 * a failure mid-way aborts the response (the client sees a truncated, failed download) and is
 * returned as `failed` for the caller to log.
 */
export async function streamExport(res: Response, spec: ExportSpec): Promise<{ rowCount: number; failed?: Error }> {
  const iterator = asAsync(spec.rows)[Symbol.asyncIterator]();
  const first = await iterator.next();
  const rest: AsyncIterable<ExportRow> = {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<ExportRow> | null = first;
      return {
        next: async () => {
          if (pending) { const p = pending; pending = null; return p; }
          return iterator.next();
        },
        return: async () => { await iterator.return?.(undefined); return { done: true as const, value: undefined }; },
      };
    },
  };
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[spec.format]);
  res.setHeader('Content-Disposition', contentDisposition(spec.filename, spec.format));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    return await writeExport(res, { ...spec, rows: rest });
  } catch (err) {
    if (!res.headersSent) {
      // Nothing went out yet: let the error filter answer with the normal error body.
      for (const h of ['Content-Type', 'Content-Disposition', 'Cache-Control']) res.removeHeader(h);
      throw err;
    }
    res.destroy(err as Error);
    return { rowCount: -1, failed: err as Error };
  } finally {
    await iterator.return?.(undefined);
  }
}

/** Sends a small export as one buffered response with its Content-Length. */
export async function sendBufferedExport(res: Response, spec: ExportSpec): Promise<void> {
  const body = await bufferExport(spec);
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[spec.format]);
  res.setHeader('Content-Disposition', contentDisposition(spec.filename, spec.format));
  res.setHeader('Content-Length', String(body.length));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}
