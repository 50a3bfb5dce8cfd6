/** providers.json: every entry names its documentation, no MX suffix is claimed twice, the longest suffix wins. */
import providersFile from '../../../src/server/mailbox/providers.json';
import { loadProviders, recogniseProvider } from '../../../src/server/mailbox/providers';

describe('providers.json', () => {
  const providers = loadProviders();

  test('every entry has an https source, a verdict and what it rests on', () => {
    for (const provider of providers) {
      expect([provider.name, new URL(provider.source).protocol]).toEqual([provider.name, 'https:']);
    }
    expect(providers.map((provider) => provider.name)).toEqual(
      expect.arrayContaining([
        'Google Workspace / Gmail',
        'Microsoft 365 / Outlook.com',
        'Proton Mail',
        'Posteo',
      ]),
    );
  });

  test('no MX suffix is listed twice, and the loader refuses a file that does', () => {
    const suffixes = providers.flatMap((provider) => provider.mxSuffixes);
    expect(new Set(suffixes).size).toBe(suffixes.length);
    const [first] = providersFile.providers;
    const twice = { providers: [first, { ...first, name: 'Copy' }] };
    expect(() => loadProviders(twice)).toThrow('listed twice');
  });

  test('the loader refuses an entry without a source', () => {
    const [first] = providersFile.providers;
    const { source: _source, ...unsourced } = first!;
    expect(() => loadProviders({ providers: [unsourced] })).toThrow();
  });

  test.each([
    ['alt1.aspmx.l.google.com', 'Google Workspace / Gmail'],
    ['example-org.mail.protection.outlook.com', 'Microsoft 365 / Outlook.com'],
    ['mx-aol.mail.gm0.yahoodns.net', 'AOL Mail'],
    ['mta5.am0.yahoodns.net', 'Yahoo Mail'],
    ['mx01.mail.icloud.com', 'iCloud Mail'],
    ['mail.protonmail.ch', 'Proton Mail'],
  ])('%s is %s', (mx, name) => {
    expect(recogniseProvider(['mx.unrelated.example', mx])).toMatchObject({ provider: { name }, mx });
  });

  test('a suffix matches whole labels only', () => {
    expect(recogniseProvider(['evilgoogle.com', 'notaspmx.l.google.com.example'])).toBeUndefined();
  });
});
