/** The overview's tables: their columns, and the CSV a table's rows make (the file the page offers). */
import { dayColumns, exposureColumns, percent } from '../../src/admin/pages/OverviewTables';
import { rowsCsv } from '../../src/admin/pages/RowsTable';

test('a day row: the day, its messages, then its recipients per protection', () => {
  const day = { day: '2026-12-07', messages: 3, tls: 2, pgp: 0, escrow: 0, blocked: 1, none: 0, internal: 4 };
  expect(rowsCsv(dayColumns, [day])).toBe(
    'Day (UTC),Messages,Recipients: forced TLS,Recipients: OpenPGP,Recipients: secure pickup,Recipients: blocked,' +
      'Recipients: plain mail,Recipients: internal\r\n2026-12-07,3,2,0,0,1,0,4\r\n',
  );
});

test('a domain name with a comma would be quoted: the CSV stays one field per column', () => {
  const row = { domain: 'odd,name.example', blocked: 1, escrow: 2, recipients: 5 };
  expect(rowsCsv(exposureColumns, [row]).split('\r\n')[1]).toBe('"odd,name.example",1,2,5');
});

test('shares in whole per cent, a dash when there is nothing to divide', () => {
  expect(percent(1, 3)).toBe('33%');
  expect(percent(2, 3)).toBe('67%');
  expect(percent(0, 0)).toBe('—');
});
