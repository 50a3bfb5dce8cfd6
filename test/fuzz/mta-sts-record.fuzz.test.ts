/** Fuzz: RFC 8461 §3.1 `_mta-sts` TXT records (parseStsRecord). */
import fc from 'fast-check';
import { parseStsRecord } from '../../src/server/transport/mta-sts-parse';
import { fuzzTest } from './runner';
import { token, txtRecordSets, txtSize } from './txt-records';

fuzzTest({
  name: 'MTA-STS TXT record',
  inputs: txtRecordSets(
    'v=STSv1',
    fc.oneof(
      token().map((id) => `id=${id}`),
      fc.tuple(token('abc_.-'), token('abc =;')).map(([k, v]) => `${k}=${v}`),
    ),
  ),
  size: txtSize,
  parse: parseStsRecord,
});
