/** The autoconfig file as Thunderbird reads it (wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat). */
import { parseAutoconfig } from '../../../src/server/mailbox/autoconfig-parse';
import { MAX_ENDPOINTS } from '../../../src/server/mailbox/endpoints';

const URL = 'https://autoconfig.example.org/mail/config-v1.1.xml';

function server(element: string, type: string, hostname: string, port: string, socketType: string): string {
  return (
    `<${element} type="${type}"><hostname>${hostname}</hostname><port>${port}</port>` +
    `<socketType>${socketType}</socketType><username>%EMAILADDRESS%</username>` +
    `<authentication>password-cleartext</authentication></${element}>`
  );
}

function config(...servers: string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1"><emailProvider id="example.org">' +
    `<domain>example.org</domain>${servers.join('')}</emailProvider></clientConfig>`
  );
}

describe('parseAutoconfig', () => {
  test('reads IMAP, POP3 and SMTP servers with their socket types, %EMAILDOMAIN% replaced', () => {
    const xml = config(
      server('incomingServer', 'imap', 'imap.%EMAILDOMAIN%', '993', 'SSL'),
      server('incomingServer', 'pop3', 'POP.example.org', '110', 'plain'),
      server('outgoingServer', 'smtp', '<![CDATA[smtp.example.org]]>', '587', 'STARTTLS'),
    );
    expect(parseAutoconfig(xml, 'example.org', URL)).toEqual({
      endpoints: [
        {
          protocol: 'imap',
          host: 'imap.example.org',
          port: 993,
          security: 'implicit',
          foundBy: ['autoconfig'],
        },
        {
          protocol: 'pop3',
          host: 'pop.example.org',
          port: 110,
          security: 'plain',
          foundBy: ['autoconfig'],
          plainIn: URL,
        },
        {
          protocol: 'submission',
          host: 'smtp.example.org',
          port: 587,
          security: 'starttls',
          foundBy: ['autoconfig'],
        },
      ],
      skipped: 0,
    });
  });

  test('skips other server types, bad host names, ports and socket types, and counts them', () => {
    const xml = config(
      server('incomingServer', 'exchange', 'mail.example.org', '443', 'SSL'),
      server('incomingServer', 'imap', 'imap.%EMAILLOCALPART%.example.org', '993', 'SSL'),
      server('incomingServer', 'imap', 'imap.example.org', '99999', 'SSL'),
      server('incomingServer', 'imap', 'imap.example.org', '993', 'TLS'),
      server('outgoingServer', 'imap', 'imap.example.org', '993', 'SSL'),
    );
    expect(parseAutoconfig(xml, 'example.org', URL)).toEqual({ endpoints: [], skipped: 5 });
  });

  test(`keeps at most ${MAX_ENDPOINTS} servers`, () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      server('incomingServer', 'imap', `imap${i}.example.org`, '993', 'SSL'),
    );
    const parsed = parseAutoconfig(config(...many), 'example.org', URL);
    expect([parsed.endpoints.length, parsed.skipped]).toEqual([MAX_ENDPOINTS, 40 - MAX_ENDPOINTS]);
  });

  test.each([
    ['an empty body', '', 'AUTOCONFIG_NOT_XML'],
    ['text', 'not xml at all', 'AUTOCONFIG_NOT_XML'],
    ['an HTML page', '<html><body>Not found</body></html>', 'AUTOCONFIG_NOT_CLIENTCONFIG'],
    [
      'an entity it would have to expand',
      '<!DOCTYPE c [<!ENTITY a "aaaa">]><clientConfig>&a;</clientConfig>',
      'AUTOCONFIG_NOT_XML',
    ],
    [
      'an endless host name',
      config(server('incomingServer', 'imap', 'a'.repeat(400), '993', 'SSL')),
      'AUTOCONFIG_FIELD_TOO_LONG',
    ],
    ['more than 64 KiB', config(' '.repeat(70_000)), 'AUTOCONFIG_TOO_LARGE'],
  ])('refuses %s', (_about, xml, code) => {
    expect(() => parseAutoconfig(xml, 'example.org', URL)).toThrow(expect.objectContaining({ code }));
  });
});
