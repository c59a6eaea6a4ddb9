import { parse } from 'csv-parse/sync';

/** A parsed manifest: the header's column names and every non-empty data row with its CSV line number. */
export type CsvTable = {
  /** Column names as written in the header, trimmed and lower-cased. */
  header: string[];
  /** Data rows, fields trimmed; a short row has fewer fields (a relaxed column count, like csv-parse). */
  rows: string[][];
  /** The 1-based line of each row (the header is line 1 when it is the first line). */
  lines: number[];
};

const CSV_OPTIONS = { info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true } as const;

/**
 * Parses a manifest the way csv-parse does with `trim`, `bom`, `skip_empty_lines` and a relaxed column
 * count. Carrier and co-delivery manifests are plain (no quotes, one line ending throughout), and for
 * those a split on line ends and commas gives the same records at about a tenth of the cost, which
 * matters for a 100 k-row upload. Anything else (quoted fields, mixed or bare-CR line ends) goes to
 * csv-parse itself. `manifest-csv.spec.ts` holds the two to the same result.
 * Throws csv-parse's error for malformed CSV.
 */
export function parseManifestCsv(text: string): CsvTable {
  const plain = plainLineEnd(text);
  return plain === null ? parseWithCsvParse(text) : parsePlain(text, plain);
}

/** The line end of a quote-free text using one kind throughout ('\n' or '\r\n'), else null. */
function plainLineEnd(text: string): '\n' | '\r\n' | null {
  if (text.includes('"')) return null;
  const cr = countOf(text, '\r');
  if (cr === 0) return '\n';
  return cr === countOf(text, '\n') && cr === countOf(text, '\r\n') ? '\r\n' : null;
}

function countOf(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i !== -1; i = text.indexOf(part, i + part.length)) n++;
  return n;
}

function parsePlain(text: string, lineEnd: '\n' | '\r\n'): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const physical = body.split(lineEnd);
  let header: string[] | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = 0; i < physical.length; i++) {
    const line = physical[i];
    // csv-parse trims every field, so a line of nothing but whitespace is an empty line and skipped.
    if (line.trim() === '') continue;
    const fields = line.split(',');
    for (let f = 0; f < fields.length; f++) fields[f] = fields[f].trim();
    if (header === null) {
      header = fields.map((h) => h.toLowerCase());
      continue;
    }
    // Fields beyond the header's columns are dropped, as csv-parse does with named columns.
    if (fields.length > header.length) fields.length = header.length;
    rows.push(fields);
    lines.push(i + 1);
  }
  return { header: header ?? [], rows, lines };
}

function parseWithCsvParse(text: string): CsvTable {
  const parsed = parse(text, CSV_OPTIONS) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  if (parsed.length === 0) return { header: [], rows: [], lines: [] };
  const header = parsed[0].record.map((h) => h.trim().toLowerCase());
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = 1; i < parsed.length; i++) {
    const fields = parsed[i].record;
    if (fields.length > header.length) fields.length = header.length;
    rows.push(fields);
    lines.push(parsed[i].info.lines);
  }
  return { header, rows, lines };
}

/** Position of each wanted column in the header (the last one when a name repeats), -1 when absent. */
export function columnPositions<C extends string>(header: string[], columns: readonly C[]): Record<C, number> {
  const out = {} as Record<C, number>;
  for (const c of columns) out[c] = header.lastIndexOf(c);
  return out;
}
