/** Fuzz: Thunderbird autoconfig files as a hostile host serves them (parseAutoconfig, saxes underneath). */
import fc from 'fast-check';
import { parseAutoconfig } from '../../src/server/mailbox/autoconfig-parse';
import { chars, joined, textInputs, utf8Bytes } from './generators';
import { fuzzTest } from './runner';

const host = joined(chars('abcxyz019-%', 10), fc.constantFrom('.', '.', '', '..'), 5).map((h) =>
  h.replace('%', '%EMAILDOMAIN%'),
);
const field = fc.oneof(
  host.map((h) => `<hostname>${h}</hostname>`),
  fc.constantFrom('993', '143', '0', '65536', '-1', 'x').map((p) => `<port>${p}</port>`),
  fc.constantFrom('SSL', 'STARTTLS', 'plain', 'TLS', '').map((s) => `<socketType>${s}</socketType>`),
  fc.constantFrom(
    '<username>%EMAILADDRESS%</username>',
    '<authentication>password-cleartext</authentication>',
  ),
  fc.constantFrom('<![CDATA[imap.example.org]]>', '&amp;', '&lt;', '&#x41;', '<!-- c -->', '&undefined;'),
);
const server = fc
  .tuple(
    fc.constantFrom('incomingServer', 'outgoingServer', 'incomingServer'),
    fc.constantFrom('imap', 'pop3', 'smtp', 'exchange'),
    fc.array(field, { maxLength: 6 }),
  )
  .map(([element, type, fields]) => `<${element} type="${type}">${fields.join('')}</${element}>`);
const document = fc
  .array(server, { maxLength: 30 })
  .map(
    (servers) =>
      `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x">${servers.join('\n')}</emailProvider></clientConfig>`,
  );

fuzzTest({
  name: 'autoconfig file',
  inputs: textInputs(
    document,
    '<>/="&;![]%',
    fc.constantFrom('<', '>', '</', '<!DOCTYPE x [', ']]>', '&', '"', '<a>'),
  ),
  size: utf8Bytes,
  parse: (xml) => parseAutoconfig(xml, 'example.org', 'https://autoconfig.example.org/mail/config-v1.1.xml'),
  check: (result) => {
    if (result.endpoints.length > 12) throw new Error(`${result.endpoints.length} endpoints`);
  },
});
