/**
 * Which provider the sign-in directory names for an address (docs/escrow-protocol.md, "Sign-in"): configured
 * issuer > Microsoft > Google > discovered, built-ins only with their client configured, each domain asked once
 * for a while, and a failing lookup told, not thrown. The network is a fake httpsGet answering by URL.
 */
import { SignInSettingsSchema } from '../../src/server/config/escrow';
import type { HttpsGet } from '../../src/server/net/https-get';
import { OidcDirectory } from '../../src/server/escrow/sign-in/directory';
import { webfingerUrl } from '../../src/server/escrow/sign-in/webfinger';
import { ManualClock } from '../helpers/clock';

const ISSUER = 'https://id.partner.example';
const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  registration_endpoint: `${ISSUER}/reg`,
};
const jrd = (address: string, issuer = ISSUER) => ({
  subject: `acct:${address}`,
  links: [{ rel: 'http://openid.net/specs/connect/1.0/issuer', href: issuer }],
});
const webfingerOf = webfingerUrl;

/** MX answers a test holds back until it lets them go; like the service's resolver, they honour their signal. */
const heldMx = new Map<string, Promise<string[]>>();

function setUp(signIn: unknown, documents: Record<string, unknown> = {}, mx: Record<string, string[]> = {}) {
  const clock = new ManualClock();
  const fetched: string[] = [];
  const mxAsked: string[] = [];
  const failures: string[] = [];
  const httpsGet: HttpsGet = async (url) => {
    fetched.push(url);
    const found = Object.entries(documents).find(([prefix]) => url.startsWith(prefix))?.[1];
    return {
      status: found ? 200 : 404,
      headers: {},
      body: Buffer.from(JSON.stringify(found ?? {})),
      address: '192.0.2.1',
    };
  };
  const directory = new OidcDirectory({
    settings: SignInSettingsSchema.parse(signIn),
    redirectUri: 'https://sendguard.example/api/v1/escrow/sign-in/callback',
    network: { resolveAddresses: async () => ['192.0.2.1'], allowPrivateAddresses: false },
    httpsGet,
    mxHosts: async (domain, signal) => {
      mxAsked.push(domain);
      if (domain === 'dns-fails.example') throw new Error('SERVFAIL');
      const held = heldMx.get(domain);
      if (held && signal)
        return new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          held.then(resolve);
        });
      return mx[domain] ?? [];
    },
    clock,
    onLookupError: (_error, domain) => failures.push(domain),
  });
  return { directory, clock, fetched, mxAsked, failures };
}

const MICROSOFT = { clientId: 'm' };
const GOOGLE = { clientId: 'g' };

test('a configured issuer comes first, even for a domain whose mail is Microsoft 365', async () => {
  const { directory } = setUp(
    {
      microsoft: MICROSOFT,
      issuers: [{ domains: ['Partner.Example'], issuer: ISSUER, clientId: 'p', label: 'Partner' }],
    },
    {},
    { 'partner.example': ['partner-example.mail.protection.outlook.com'] },
  );
  expect(await directory.providerFor('ana@partner.example')).toEqual({
    provider: expect.stringMatching(/^oidc-[\w-]{22}$/),
    label: 'Partner',
  });
});

test('Microsoft and Google, each only where its client is configured', async () => {
  const mx = {
    'm365.example': ['m365-example.mail.protection.outlook.com'],
    'gws.example': ['aspmx.l.google.com'],
  };
  const both = setUp({ microsoft: MICROSOFT, google: GOOGLE, discover: false }, {}, mx).directory;
  expect(await both.providerFor('ana@m365.example')).toEqual({ provider: 'microsoft', label: 'Microsoft' });
  expect(await both.providerFor('ana@gws.example')).toEqual({ provider: 'google', label: 'Google' });
  expect(await both.providerFor('ana@outlook.com')).toEqual({ provider: 'microsoft', label: 'Microsoft' });
  const googleOnly = setUp({ google: GOOGLE, discover: false }, {}, mx).directory;
  expect(await googleOnly.providerFor('ana@m365.example')).toBeUndefined();
  expect(await googleOnly.providerFor('ana@gmail.com')).toEqual({ provider: 'google', label: 'Google' });
});

test('RFC 7033: the issuer an address names, if it lets the service register; each address asked once', async () => {
  const documents = {
    [webfingerOf('ana@partner.example')]: jrd('ana@partner.example'),
    [`${ISSUER}/.well-known/openid-configuration`]: METADATA,
  };
  const { directory, fetched } = setUp({}, documents);
  const named = await directory.providerFor('ana@partner.example');
  expect(named).toEqual({ provider: expect.stringMatching(/^oidc-/), label: 'id.partner.example' });
  expect(await directory.providerFor('ana@partner.example')).toEqual(named);
  expect(fetched).toHaveLength(2);

  const { directory: noRegistration } = setUp(
    {},
    {
      ...documents,
      [`${ISSUER}/.well-known/openid-configuration`]: { ...METADATA, registration_endpoint: undefined },
    },
  );
  expect(await noRegistration.providerFor('ana@partner.example')).toBeUndefined();
});

test("one address's WebFinger entry decides for that address only, and one without an entry for no one else", async () => {
  const documents = {
    [webfingerOf('ana@partner.example')]: jrd('ana@partner.example'),
    [`${ISSUER}/.well-known/openid-configuration`]: METADATA,
  };
  // Bob has no entry (404) and is asked first: Ana's entry still counts for her.
  const { directory, fetched } = setUp({}, documents);
  expect(await directory.providerFor('bob@partner.example')).toBeUndefined();
  expect(await directory.providerFor('ana@partner.example')).toEqual({
    provider: expect.stringMatching(/^oidc-/),
    label: 'id.partner.example',
  });
  // Ana's entry is not Bob's: he is still without a provider, and was asked about himself.
  expect(await directory.providerFor('bob@partner.example')).toBeUndefined();
  expect(fetched.filter((url) => url.includes('webfinger'))).toEqual([
    webfingerOf('bob@partner.example'),
    webfingerOf('ana@partner.example'),
  ]);
});

test("RFC 7033 §4.4.1: an answer whose subject is another account's names nobody's issuer", async () => {
  const { directory } = setUp(
    {},
    {
      [webfingerOf('ana@partner.example')]: jrd('admin@partner.example'),
      [`${ISSUER}/.well-known/openid-configuration`]: METADATA,
    },
  );
  expect(await directory.providerFor('ana@partner.example')).toBeUndefined();
  const { directory: noSubject } = setUp(
    {},
    {
      [webfingerOf('ana@partner.example')]: { links: jrd('ana@partner.example').links },
      [`${ISSUER}/.well-known/openid-configuration`]: METADATA,
    },
  );
  expect(await noSubject.providerFor('ana@partner.example')).toBeUndefined();
});

test('a discovered issuer whose host is longer than a provider label may be is no provider', async () => {
  const longHost = `https://${'a'.repeat(60)}.${'b'.repeat(45)}.example`;
  const { directory, fetched } = setUp(
    {},
    {
      [webfingerOf('ana@partner.example')]: jrd('ana@partner.example', longHost),
      [`${longHost}/.well-known/openid-configuration`]: { ...METADATA, issuer: longHost },
    },
  );
  expect(await directory.providerFor('ana@partner.example')).toBeUndefined();
  expect(fetched).toEqual([webfingerOf('ana@partner.example')]);
});

test('discovery off: a domain that names an issuer gets none', async () => {
  const { directory, fetched } = setUp(
    { discover: false },
    { 'https://partner.example/': jrd('ana@partner.example') },
  );
  expect(await directory.providerFor('ana@partner.example')).toBeUndefined();
  expect(fetched).toEqual([]);
});

test('a failing lookup is told and answered "none", and asked again after a minute, not at once', async () => {
  const { directory, clock, mxAsked, failures } = setUp({ microsoft: MICROSOFT });
  expect(await directory.providerFor('ana@dns-fails.example')).toBeUndefined();
  expect(await directory.providerFor('ana@dns-fails.example')).toBeUndefined();
  expect(failures).toEqual(['dns-fails.example']);
  expect(mxAsked).toEqual(['dns-fails.example']);
  clock.advance(61_000);
  await directory.providerFor('ana@dns-fails.example');
  expect(mxAsked).toEqual(['dns-fails.example', 'dns-fails.example']);
});

test("a caller who gives up leaves the shared lookup to the others, and its abort is kept as nobody's failure", async () => {
  let release!: (hosts: string[]) => void;
  heldMx.set('slow.example', new Promise((resolve) => (release = resolve)));
  const { directory, mxAsked, failures } = setUp({ google: GOOGLE, discover: false });
  const first = new AbortController();
  const gaveUp = directory.providerFor('ana@slow.example', { signal: first.signal });
  const waited = directory.providerFor('bob@slow.example');
  first.abort(new Error('the assess call gave up'));
  expect(await gaveUp).toBeUndefined();
  release(['aspmx.l.google.com']);
  expect(await waited).toEqual({ provider: 'google', label: 'Google' });
  expect(await directory.providerFor('cy@slow.example')).toEqual({ provider: 'google', label: 'Google' });
  expect(mxAsked).toEqual(['slow.example']);
  expect(failures).toEqual([]);
});

test('known: what providerFor would answer from what the directory holds, until it expires; unknown before', async () => {
  const documents = {
    [webfingerOf('ana@partner.example')]: jrd('ana@partner.example'),
    [`${ISSUER}/.well-known/openid-configuration`]: METADATA,
  };
  const { directory, clock } = setUp({ microsoft: MICROSOFT }, documents, {
    'contoso.example': ['contoso-example.mail.protection.outlook.com'],
  });
  expect(directory.known('ana@partner.example')).toBeUndefined();
  expect(directory.known('bob@contoso.example')).toBeUndefined();
  const discovered = await directory.providerFor('ana@partner.example');
  const microsoft = await directory.providerFor('bob@contoso.example');
  expect(directory.known('ana@partner.example')).toEqual(discovered);
  expect(directory.known('bob@contoso.example')).toEqual(microsoft);
  // The domain goes per address: another address of it is not known until its own entry is asked for.
  expect(directory.known('eve@partner.example')).toBeUndefined();
  expect(await directory.providerFor('eve@partner.example')).toBeUndefined();
  expect(directory.known('eve@partner.example')).toBeNull();
  clock.advance(3_600_001);
  expect(directory.known('ana@partner.example')).toBeUndefined();
  expect(directory.known('bob@contoso.example')).toBeUndefined();
});
