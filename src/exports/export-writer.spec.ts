import { ExportColumn } from './export-column';
import { bufferExport, contentDisposition, csvField, csvHeaderLine, csvLine, fileColumns, guardFormula, shanghaiDateTime } from './export-writer';
import { displayQuantity } from './statement-print.service';

describe('export writer', () => {
  const columns: ExportColumn[] = [
    { key: 'name', header: '农户', kind: 'text' },
    { key: 'amountFen', header: '金额', kind: 'fen' },
    { key: 'status', header: '状态', kind: 'text', labels: { PAID: '已支付' } },
    { key: 'at', header: '时间', kind: 'datetime' },
    { key: 'day', header: '日期', kind: 'date' },
    { key: 'share', header: '上行占比', kind: 'percent' },
  ];

  describe('guardFormula', () => {
    it('should prefix cells a spreadsheet would run as a formula', () => {
      for (const s of ['=1+1', '+86', '-3', '@SUM(A1)', '\tx', '\rx']) expect(guardFormula(s)).toBe(`'${s}`);
      for (const s of ['吴金兰', '1-2', 'a=b', '']) expect(guardFormula(s)).toBe(s);
    });
  });

  describe('csvField', () => {
    it('should quote by RFC 4180 only when needed', () => {
      expect(csvField('plain')).toBe('plain');
      expect(csvField('a,b')).toBe('"a,b"');
      expect(csvField('say "hi"')).toBe('"say ""hi"""');
      expect(csvField('two\nlines')).toBe('"two\nlines"');
    });
  });

  describe('csvLine', () => {
    it('should write fen as exact yuan and fen, labels in Chinese, Shanghai times, percents', () => {
      const cols = fileColumns(columns);
      expect(csvHeaderLine(cols)).toBe('农户,金额（元）,金额（分）,状态,时间,日期,上行占比\r\n');
      expect(csvLine(cols, { name: '=cmd', amountFen: 123456789012, status: 'PAID', at: new Date('2026-11-23T16:30:00Z'), day: '2026-11-24', share: 0.03225 }))
        .toBe("'=cmd,1234567890.12,123456789012,已支付,2026-11-24 00:30:00,2026-11-24,3.23%\r\n");
      expect(csvLine(cols, { name: null, amountFen: -5, status: 'X', at: null, day: new Date('2026-11-23T16:30:00Z'), share: null }))
        .toBe(',-0.05,-5,X,,2026-11-24,\r\n');
    });

    it('should refuse money that is not a safe integer', () => {
      expect(() => csvLine(fileColumns(columns), { amountFen: 1.5 })).toThrow(RangeError);
    });
  });

  describe('bufferExport', () => {
    it('should start a CSV with the UTF-8 BOM', async () => {
      const body = await bufferExport({ format: 'csv', filename: 'x', columns, rows: [{ name: '吴' }] });
      expect(body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(body.toString('utf8').split('\r\n')).toHaveLength(3);
    });
  });

  describe('contentDisposition', () => {
    it('should give an ASCII fallback and the UTF-8 name', () => {
      expect(contentDisposition('交售单-20261123', 'csv')).toBe(`attachment; filename="___-20261123.csv"; filename*=UTF-8''${encodeURIComponent('交售单-20261123.csv')}`);
    });
  });

  describe('shanghaiDateTime', () => {
    it('should show UTC instants at +08:00', () => {
      expect(shanghaiDateTime(new Date('2026-12-31T23:59:59.999Z'))).toBe('2027-01-01 07:59:59');
    });
  });

  describe('displayQuantity', () => {
    it('should show quantities exactly in the price unit, else in base units', () => {
      expect(displayQuantity(1250, 500, '斤', '克')).toBe('2.5 斤');
      expect(displayQuantity(30, 1, '枚', '枚')).toBe('30 枚');
      expect(displayQuantity(1001, 1000, '公斤', '克')).toBe('1.001 公斤');
      expect(displayQuantity(1, 3, '盒', '枚')).toBe('1 枚');
    });
  });
});
