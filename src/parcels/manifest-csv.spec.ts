import { parse } from 'csv-parse/sync';
import { columnPositions, parseManifestCsv } from './manifest-csv';

/** What csv-parse answers with named columns (the manifest parser's reference): records by name with their lines. */
function reference(text: string): Array<{ record: Record<string, string>; line: number }> {
  const parsed: Array<{ record: Record<string, string>; info: { lines: number } }> = parse(text, {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true,
  });
  return parsed.map((p) => ({ record: p.record, line: p.info.lines }));
}

function asRecords(text: string): Array<{ record: Record<string, string>; line: number }> {
  const table = parseManifestCsv(text);
  return table.rows.map((fields, i) => {
    const record: Record<string, string> = {};
    table.header.forEach((name, c) => {
      if (c < fields.length) record[name] = fields[c];
    });
    return { record, line: table.lines[i] };
  });
}

describe('parseManifestCsv', () => {
  const cases: Array<[string, string]> = [
    ['plain LF', 'waybill,carrier,recipient_name\nZT12345678,ZTO,吴金兰\nYT12345678,YTO,李四'],
    ['CRLF with BOM, blank and short and long rows', '\uFEFFa,b,c\r\n1,2,3\r\n\r\n4,5\r\n6,7,8,9\r\n'],
    ['whitespace around fields and whitespace-only lines', 'a,b,c\n  \n 1 , 2 ,3\n\t4\t,5,6\n\u3000x\u3000,\u00a0y,z\n\u3000\n'],
    ['empty fields', 'a,b,c\n,,\n,\n'],
    ['leading blank lines and a trailing newline', '\n\n A , B \n1,2\n\n\n'],
    ['a repeated column name (the last one wins)', 'a,a\n1,2'],
    ['quoted fields (csv-parse itself)', 'a,b\n"x, y","z ""q"""\n"multi\nline",2\n3,4'],
    ['mixed line ends (csv-parse itself)', 'a,b\r\n1,2\n3,4\r\n'],
    ['a bare CR inside a line (csv-parse itself)', 'a,b\n1,2\r3,4\n'],
    ['header only', 'waybill,carrier\n'],
  ];
  it.each(cases)('should read %s exactly like csv-parse', (_name, text) => {
    expect(asRecords(text)).toEqual(reference(text));
  });

  it('should report malformed CSV as csv-parse does', () => {
    expect(() => parseManifestCsv('a,b\n"open,2\n')).toThrow();
  });

  it('should locate columns by name, -1 when missing', () => {
    expect(columnPositions(['b', 'a', 'b'], ['a', 'b', 'c'] as const)).toEqual({ a: 1, b: 2, c: -1 });
  });
});
