/** Fuzz: RFC 8461 §3.2 policy files as a policy host serves them (parseStsPolicy). */
import fc from 'fast-check';
import { parseStsPolicy } from '../../src/server/transport/mta-sts-parse';
import { chars, joined, textInputs, utf8Bytes } from './generators';
import { fuzzTest } from './runner';

const hostname = joined(chars('abcxyz019-', 10), fc.constantFrom('.', '.', '', '..'), 5);
const line = fc.oneof(
  fc.constant('version: STSv1'),
  fc.constantFrom('mode: enforce', 'mode: testing', 'mode: none', 'mode: ENFORCE', 'mode:enforce'),
  fc.nat().map((n) => `max_age: ${n}`),
  hostname.map((h) => `mx: *.${h}`),
  hostname.map((h) => `mx: ${h}`),
  fc.tuple(chars('abc_.-', 8), chars('abc :\t*', 20)).map(([k, v]) => `${k}:${v}`),
);
const eol = fc.constantFrom('\n', '\r\n', '\r', ' \n', '\t\r\n');
const policy = joined(line, eol, 14);

fuzzTest({
  name: 'MTA-STS policy file',
  inputs: textInputs(
    policy,
    ' \t:\r\n*.-_',
    fc.constantFrom(
      ' ',
      '\t',
      ' \t',
      ':',
      ': ',
      'a',
      'mx:',
      'mx: a.',
      '*.',
      'a.',
      '-',
      '\r',
      '\n',
      'mx: ',
      '0',
    ),
  ),
  size: utf8Bytes,
  parse: parseStsPolicy,
});
