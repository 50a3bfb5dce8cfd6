import { csvField, toCsv } from '../../src/admin/shell/csv';

describe('console CSV (RFC 4180)', () => {
  test('§2.1–2.3: a header row, then each record, every line ended by CRLF', () => {
    expect(
      toCsv(
        ['day', 'tls'],
        [
          ['2026-12-01', 3],
          ['2026-12-02', 0],
        ],
      ),
    ).toBe('day,tls\r\n2026-12-01,3\r\n2026-12-02,0\r\n');
  });

  test('§2.6: fields holding a comma, a quote, CR or LF are quoted; §2.7: quotes inside are doubled', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('line\nfeed')).toBe('"line\nfeed"');
    expect(csvField('plain')).toBe('plain');
  });

  test('absent values are empty fields, numbers and booleans written as text', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[null, undefined, 0, false]])).toBe('a,b,c,d\r\n,,0,false\r\n');
  });
});
