/** Fuzz: RFC 8460 §3 `_smtp._tls` TXT records (parseTlsRptRecord). */
import fc from 'fast-check';
import { parseTlsRptRecord } from '../../src/server/transport/tls-rpt';
import { joined } from './generators';
import { fuzzTest } from './runner';
import { token, txtRecordSets, txtSize } from './txt-records';

const uri = fc.oneof(
  token().map((local) => `mailto:${local}@example.org`),
  token().map((path) => `https://reports.example/${path}`),
  fc
    .tuple(fc.constantFrom('mailto:', 'https://', 'http://', 'ftp:', ':', '//', ''), token('a%/:@?#[]!'))
    .map(([scheme, rest]) => scheme + rest),
);

fuzzTest({
  name: 'TLS-RPT TXT record',
  inputs: txtRecordSets(
    'v=TLSRPTv1',
    fc.oneof(
      joined(uri, fc.constantFrom(',', ', ', ' ,', ' , ', ',,'), 5).map((list) => `rua=${list}`),
      fc.tuple(token('abc_.-'), token('abc =;,')).map(([k, v]) => `${k}=${v}`),
    ),
  ),
  size: txtSize,
  parse: parseTlsRptRecord,
});
