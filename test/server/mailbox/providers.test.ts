/** providers.json: every entry matches the schema and names its documentation, no MX suffix is claimed twice. */
import { z } from 'zod';
import { MAILBOX_ACCESS_VERDICTS } from '../../../src/core/vocabulary';
import { isHostName } from '../../../src/server/mailbox/endpoints';
import providersFile from '../../../src/server/mailbox/providers.json';
import { recogniseProvider } from '../../../src/server/mailbox/providers';

const HostName = z.string().refine(isHostName, 'a lower-case host name');

const ProvidersFile = z.strictObject({
  providers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        mxSuffixes: z.array(HostName).min(1),
        verdict: z.enum(MAILBOX_ACCESS_VERDICTS),
        basis: z.string().min(1),
        source: z.url({ protocol: /^https$/ }),
        endpoints: z.array(
          z.strictObject({
            protocol: z.enum(['imap', 'pop3', 'submission']),
            host: HostName,
            port: z.number().int().min(1).max(65535),
            security: z.enum(['implicit', 'starttls', 'plain']),
          }),
        ),
      }),
    )
    .min(1),
});

describe('providers.json', () => {
  test('every entry matches the schema, with an https source', () => {
    const { providers } = ProvidersFile.parse(providersFile);
    expect(providers.map((provider) => provider.name)).toEqual(
      expect.arrayContaining([
        'Google Workspace / Gmail',
        'Microsoft 365 / Outlook.com',
        'Proton Mail',
        'Posteo',
      ]),
    );
  });

  test('the schema refuses an entry without a source', () => {
    const [first] = providersFile.providers;
    const { source: _source, ...unsourced } = first!;
    expect(() => ProvidersFile.parse({ providers: [unsourced] })).toThrow();
  });

  test('no MX suffix is listed twice', () => {
    const suffixes = providersFile.providers.flatMap((provider) => provider.mxSuffixes);
    expect(suffixes.filter((suffix, i) => suffixes.indexOf(suffix) !== i)).toEqual([]);
  });

  test.each([
    ['alt1.aspmx.l.google.com', 'Google Workspace / Gmail'],
    ['example-org.mail.protection.outlook.com', 'Microsoft 365 / Outlook.com'],
    ['mx-aol.mail.gm0.yahoodns.net', 'AOL Mail'],
    ['mta5.am0.yahoodns.net', 'Yahoo Mail'],
    ['mx01.mail.icloud.com', 'iCloud Mail'],
    ['mail.protonmail.ch', 'Proton Mail'],
  ])('%s is %s', (mx, name) => {
    const hosts = [
      { preference: 20, host: 'backup.unrelated.example' },
      { preference: 10, host: mx },
    ];
    expect(recogniseProvider(hosts)).toMatchObject({ provider: { name }, mx });
  });

  test('a suffix matches whole labels only', () => {
    const hosts = ['evilgoogle.com', 'notaspmx.l.google.com.example'].map((host) => ({
      preference: 10,
      host,
    }));
    expect(recogniseProvider(hosts)).toBeUndefined();
  });

  test("RFC 5321 §5.1: a provider's MX as a backup below the domain's own server is not recognised", () => {
    const hosts = [
      { preference: 10, host: 'mx.example.org' },
      { preference: 50, host: 'alt4.aspmx.l.google.com' },
    ];
    expect(recogniseProvider(hosts)).toBeUndefined();
  });

  test('every MX of the most preferred level must belong to the one provider', () => {
    const shared = [
      { preference: 10, host: 'aspmx.l.google.com' },
      { preference: 10, host: 'mx.example.org' },
    ];
    expect(recogniseProvider(shared)).toBeUndefined();
    const google = [
      { preference: 1, host: 'aspmx.l.google.com' },
      { preference: 5, host: 'alt1.aspmx.l.google.com' },
      { preference: 5, host: 'alt2.aspmx.l.google.com' },
    ];
    expect(recogniseProvider(google)).toMatchObject({ mx: 'aspmx.l.google.com' });
    expect(recogniseProvider([])).toBeUndefined();
  });
});
