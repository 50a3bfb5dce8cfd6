/**
 * CSV as RFC 4180 writes it: a header row, CRLF between records (and after the last), and a field quoted when it
 * holds a comma, a double quote, CR or LF, its quotes doubled. Every chart's "Download CSV" is its table's rows
 * through here, so the file and the table cannot disagree.
 */

export type CsvCell = string | number | boolean | null | undefined;

/** One field: empty for null/undefined, quoted only where §2.6 requires it. */
export function csvField(value: CsvCell): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header row and then each row, every line ended by CRLF (RFC 4180 §2.1–2.3). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',') + '\r\n').join('');
}
