/** Fuzz: SMTP replies (RFC 5321 §4.2) from a hostile server, fed in arbitrary chunks (ReplyParser, ehloExtensions). */
import fc from 'fast-check';
import { ReplyParser, ehloExtensions } from '../../src/server/transport/smtp-reply';
import { chars, joined, textInputs } from './generators';
import { fuzzTest } from './runner';

const code = fc.constantFrom('220', '250', '421', '454', '554', '500', '199', '600', '25', '2500');
const text = fc.oneof(
  fc.constantFrom(
    'STARTTLS',
    'PIPELINING',
    'SIZE 10240000',
    'AUTH PLAIN LOGIN',
    '8BITMIME',
    'mx.example ESMTP',
  ),
  chars('abcXYZ \t-=\u0007\u001b\u00e9', 24),
);
const line = fc.tuple(code, fc.constantFrom(' ', '-', '', '\t'), text).map((parts) => parts.join(''));
const replies = joined(line, fc.constantFrom('\r\n', '\n', '\r', '\r\r\n'), 20);

const session = fc.tuple(
  textInputs(
    replies,
    '\r\n- 0123456789',
    fc.constantFrom('250-', '-', ' ', '\r', '\n', '\r\n', '2', '250-A\r\n', 'x'),
  ),
  fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
);

/** The stream as the socket delivers it: the same bytes in chunks of the generated sizes, the last size repeating. */
function readSession([data, sizes]: [string, number[]]): void {
  const bytes = Buffer.from(data, 'latin1');
  const parser = new ReplyParser();
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[Math.min(i, sizes.length - 1)]!;
    for (const reply of parser.push(bytes.subarray(at, at + size))) ehloExtensions(reply);
    at += size;
  }
}

fuzzTest({
  name: 'SMTP replies',
  inputs: session,
  size: ([data]) => data.length,
  parse: readSession,
});
