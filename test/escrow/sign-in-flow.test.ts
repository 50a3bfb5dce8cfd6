/**
 * Recipient sign-in against real OpenID Connect providers (oidc-provider over HTTPS with the test's own CA):
 * one an admin configured for a-corp.test, one b-corp.test names through WebFinger (RFC 7033) and that registers
 * the service dynamically (RFC 7591), one standing for Microsoft (a work tenant, m-corp.test's MX at Exchange
 * Online) and one for Google (g-corp.test's MX at Google). Each sign-in goes the way a pop-up goes — start,
 * provider's login form, callback — and the session it starts is then the page's, through POST /session.
 * The providers listen on port 443 of their own loopback addresses; host names reach them through the service's
 * injected resolver (no test bed host is needed).
 */
import { createServer, type Server } from 'node:https';
import { CSRF_HEADER, PORTAL_REQUEST_HEADER, PORTAL_REQUEST_MARK } from '../../src/core/escrow/headers';
import type { EscrowRecipient } from '../../src/core/escrow/wire';
import { callbackUrl } from '../../src/server/escrow/sign-in/routes';
import { httpsGet } from '../../src/server/net/https-get';
import { formBrowser } from '../helpers/form-browser';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp';
import { testPki, type TestPki } from '../helpers/test-pki';
import { escrowSample, recordingMailer, type EscrowServer } from './harness';
import { startSignInServer } from './sign-in-server';

/** A /24 of loopback addresses of this run's own, so that two runs side by side do not share port 443. */
const NET = `127.77.${Math.floor(Math.random() * 250) + 1}`;
const TENANT = '4a1f0c5e-9d2b-4c7e-8f00-123456789abc';
const HOSTS: Record<string, string> = {
  'login.a-corp.test': `${NET}.1`,
  'b-corp.test': `${NET}.2`,
  'id.b-corp.test': `${NET}.3`,
  'login.ms.test': `${NET}.4`,
  'accounts.g.test': `${NET}.5`,
};
const MX: Record<string, string[]> = {
  'm-corp.test': ['m-corp-test.mail.protection.outlook.com'],
  'g-corp.test': ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'],
};
const A_ISSUER = 'https://login.a-corp.test';
const B_ISSUER = 'https://id.b-corp.test';
const M_AUTHORITY = `https://login.ms.test/${TENANT}/v2.0`;
const G_ISSUER = 'https://accounts.g.test';

let pki: TestPki;
let server: EscrowServer;
let webfinger: Server;
let webfingerAsked = 0;
/** Requests the provider's network holds back, as a provider that stops answering; only an abort ends them. */
let holdBack: ((url: string) => boolean) | undefined;
const STEP_DEADLINE_MS = 4000;
const idps: OidcIdp[] = [];

const staticClient = (id: string, redirectUri: string) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [redirectUri],
  token_endpoint_auth_method: 'client_secret_post',
  grant_types: ['authorization_code'],
  response_types: ['code'],
});

/** The accounts whose WebFinger entry at b-corp.test names B's issuer; a test may take one out. */
const namedByWebfinger = new Set(['acct:bea@b-corp.test', 'acct:bob@b-corp.test']);

function startWebfinger(): Promise<Server> {
  const tls = pki.leaf(['b-corp.test']);
  const https = createServer(tls, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://b-corp.test');
    const resource = url.searchParams.get('resource') ?? '';
    webfingerAsked += 1;
    if (url.pathname !== '/.well-known/webfinger' || !namedByWebfinger.has(resource))
      return response.writeHead(404).end();
    const jrd = {
      subject: resource,
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', href: 'https://b-corp.test/~someone' },
        { rel: 'http://openid.net/specs/connect/1.0/issuer', href: B_ISSUER },
      ],
    };
    response.writeHead(200, { 'content-type': 'application/jrd+json' }).end(JSON.stringify(jrd));
  });
  return new Promise((resolve) => https.listen(443, HOSTS['b-corp.test'], () => resolve(https)));
}

beforeAll(async () => {
  pki = testPki();
  server = await startSignInServer({
    mailer: recordingMailer(),
    signIn: {
      issuers: [
        {
          domains: ['a-corp.test'],
          issuer: A_ISSUER,
          clientId: 'a',
          clientSecret: 'a-secret',
          label: 'A Corp',
        },
      ],
      microsoft: { clientId: 'm', clientSecret: 'm-secret', authority: M_AUTHORITY },
      google: { clientId: 'g', clientSecret: 'g-secret', issuer: G_ISSUER },
    },
    hosts: HOSTS,
    mx: MX,
    ca: pki.ca,
    httpsGet: (url, options) =>
      holdBack?.(url)
        ? new Promise((_resolve, reject) =>
            options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true }),
          )
        : httpsGet(url, options),
    stepDeadlineMs: STEP_DEADLINE_MS,
  });
  const callback = callbackUrl(server.url);
  webfinger = await startWebfinger();
  const common = { pki, port: 443 };
  idps.push(
    await startOidcIdp({
      ...common,
      hostname: 'login.a-corp.test',
      address: HOSTS['login.a-corp.test']!,
      clients: [staticClient('a', callback)],
      accounts: {
        ana: { email: 'ana@a-corp.test', email_verified: true },
        'ana-unverified': { email: 'ana@a-corp.test', email_verified: false },
        'ana-silent': { email: 'ana@a-corp.test' },
        avi: { email: 'avi@a-corp.test', email_verified: true },
      },
    }),
    await startOidcIdp({
      ...common,
      hostname: 'id.b-corp.test',
      address: HOSTS['id.b-corp.test']!,
      registration: true,
      accounts: {
        bea: { email: 'bea@b-corp.test', email_verified: true },
        bob: { email: 'bob@b-corp.test', email_verified: true },
        // b's provider claiming a verified address of a-corp.test, which it has no say over.
        'bea-as-ana': { email: 'ana@a-corp.test', email_verified: true },
      },
    }),
    await startOidcIdp({
      ...common,
      hostname: 'login.ms.test',
      address: HOSTS['login.ms.test']!,
      mount: `/${TENANT}/v2.0`,
      clients: [staticClient('m', callback)],
      accounts: {
        max: { tid: TENANT, email: 'max@m-corp.test', xms_edov: true },
        'max-unowned': { tid: TENANT, email: 'max@m-corp.test', email_verified: true },
        // The tenant's own user data lists the address as verified: nothing says the tenant owns the domain.
        'max-listed': {
          tid: TENANT,
          email: 'max@m-corp.test',
          verified_primary_email: ['max@m-corp.test'],
          verified_secondary_email: ['max@m-corp.test'],
        },
      },
    }),
    await startOidcIdp({
      ...common,
      hostname: 'accounts.g.test',
      address: HOSTS['accounts.g.test']!,
      clients: [staticClient('g', callback)],
      accounts: {
        gina: { email: 'gina@g-corp.test', email_verified: true, hd: 'g-corp.test' },
        'gina-consumer': { email: 'gina@g-corp.test', email_verified: true },
      },
    }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all(idps.map((idp) => idp.close()));
  await new Promise((resolve) => webfinger?.close(resolve));
  await server?.close();
  pki?.remove();
});

const browser = () => formBrowser({ hosts: HOSTS, ca: pki.ca, portalOrigin: server.url });

async function messageFor(recipients: EscrowRecipient[]) {
  return escrowSample(server, { recipients });
}

/** The portal page's request after the pop-up: the session's answer, then opening with it. */
async function continueSession(jar: Map<string, string>, id: string) {
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const session = await fetch(`${server.apiBase}/pickup/${id}/session`, {
    method: 'POST',
    headers: { cookie, [PORTAL_REQUEST_HEADER]: PORTAL_REQUEST_MARK },
  });
  if (session.status !== 200) return { status: session.status };
  const answer = (await session.json()) as { csrf: string; needsPasscode: boolean };
  const open = await fetch(`${server.apiBase}/pickup/${id}/open`, {
    method: 'POST',
    headers: {
      cookie,
      [PORTAL_REQUEST_HEADER]: PORTAL_REQUEST_MARK,
      [CSRF_HEADER]: answer.csrf,
      'content-type': 'application/json',
    },
    body: '{}',
  });
  return {
    status: session.status,
    answer,
    open: open.status,
    opened: (await open.json()) as { address?: string },
  };
}

async function signIn(id: string, provider: string, login: string) {
  const pop = browser();
  const landing = await pop.signIn(`${server.apiBase}/pickup/${id}/sign-in/${provider}`, login);
  return { landing, jar: pop.jar };
}

/**
 * A sign-in as `refused.login` lands on `?sign-in-failed=<refused.failure>` and starts no session; then one as
 * `own` (an account of b-corp.test) opens the message as its address.
 */
async function expectRefusedThenOwn(
  id: string,
  provider: string,
  refused: { login: string; failure: string },
  own: string,
) {
  const denied = await signIn(id, provider, refused.login);
  expect(denied.landing.searchParams.get('sign-in-failed')).toBe(refused.failure);
  expect((await continueSession(denied.jar, id)).status).toBe(401);
  const allowed = await signIn(id, provider, own);
  expect(await continueSession(allowed.jar, id)).toMatchObject({
    status: 200,
    opened: { address: `${own}@b-corp.test` },
  });
}

/** The message's audit log as its sender reads it. */
async function auditEvents(id: string): Promise<Array<{ event: string; recipient?: string }>> {
  const answer = await fetch(`${server.apiBase}/messages/${id}/audit`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const body = (await answer.json()) as { entries?: unknown; [key: string]: unknown };
  return (Array.isArray(body) ? body : (body.entries as never)) ?? [];
}

describe('an issuer an admin configured for the domain', () => {
  test('the recipient signs in, the pop-up lands on ?signed-in=, and the page continues with the session', async () => {
    const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
    const info = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()) as {
      proofs: { signIn: unknown[]; code: boolean };
    };
    expect(info.proofs).toEqual({
      signIn: [{ provider: expect.stringMatching(/^oidc-/), label: 'A Corp' }],
      code: false,
    });
    const { provider } = info.proofs.signIn[0] as { provider: string };

    const { landing, jar } = await signIn(sent.id, provider, 'ana');
    expect(landing.searchParams.get('signed-in')).toBe(sent.id);
    expect(jar.has('__Host-sg-sign-in')).toBe(false); // the transaction is over
    const result = await continueSession(jar, sent.id);
    expect(result).toMatchObject({
      status: 200,
      answer: { needsPasscode: false },
      open: 200,
      opened: { address: 'ana@a-corp.test' },
    });
    expect(await auditEvents(sent.id)).toContainEqual(
      expect.objectContaining({ event: 'verified', recipient: 'ana@a-corp.test' }),
    );
  });

  test.each([
    ['email_verified false', 'ana-unverified'],
    ['email_verified absent', 'ana-silent'],
    ['a verified address that is not a recipient', 'avi'],
  ])(
    'refused: %s — the pop-up lands on ?sign-in-failed=not-a-recipient and no session starts',
    async (_name, login) => {
      const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
      const { provider } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs
        .signIn[0];
      const { landing, jar } = await signIn(sent.id, provider, login);
      expect(landing.searchParams.get('sign-in-failed')).toBe('not-a-recipient');
      expect((await continueSession(jar, sent.id)).status).toBe(401);
    },
  );

  test('starting a sign-in writes nothing: no audit entry until the callback verifies', async () => {
    const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
    const { provider } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs.signIn[0];
    const start = await fetch(`${server.apiBase}/pickup/${sent.id}/sign-in/${provider}`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(303);
    const to = new URL(start.headers.get('location')!);
    expect(to.origin).toBe(A_ISSUER);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('redirect_uri')).toBe(callbackUrl(server.url));
    for (const name of ['state', 'nonce', 'code_challenge'])
      expect(to.searchParams.get(name)).toMatch(/^[\w-]{43}$/);
    const cookie = start.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^__Host-sg-sign-in=[\w-]+; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/,
    );
    expect(cookie).not.toContain(to.searchParams.get('state'));
    expect((await auditEvents(sent.id)).map((e) => e.event)).toEqual(['created']);
  });
});

describe('an issuer the domain names through WebFinger', () => {
  test('discovered, registered dynamically, signed in', async () => {
    const before = webfingerAsked;
    const sent = await messageFor([{ address: 'bea@b-corp.test', proof: 'sign-in' }]);
    expect(webfingerAsked).toBe(before + 1);
    const { signIn: providers } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs;
    expect(providers).toEqual([{ provider: expect.stringMatching(/^oidc-/), label: 'id.b-corp.test' }]);
    const { landing, jar } = await signIn(sent.id, providers[0].provider, 'bea');
    expect(landing.searchParams.get('signed-in')).toBe(sent.id);
    expect(await continueSession(jar, sent.id)).toMatchObject({
      status: 200,
      opened: { address: 'bea@b-corp.test' },
    });
    // The domain's answer is kept: a second message asks WebFinger no more.
    await messageFor([{ address: 'bea@b-corp.test', proof: 'sign-in' }]);
    expect(webfingerAsked).toBe(before + 1);
  });

  test("a recipient of one domain cannot be vouched for by the other domain's provider", async () => {
    const sent = await messageFor([
      { address: 'ana@a-corp.test', proof: 'sign-in' },
      { address: 'bea@b-corp.test', proof: 'sign-in' },
    ]);
    const { signIn: providers } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs;
    expect(providers).toHaveLength(2);
    const bProvider = providers.find((p: { label: string }) => p.label === 'id.b-corp.test').provider;
    await expectRefusedThenOwn(
      sent.id,
      bProvider,
      { login: 'bea-as-ana', failure: 'not-a-recipient' },
      'bea',
    );
  });
});

describe('the provider is checked for the address it proved', () => {
  test('a provider no longer named for that address does not sign it in, though named for another recipient', async () => {
    const sent = await messageFor([
      { address: 'bea@b-corp.test', proof: 'sign-in' },
      { address: 'bob@b-corp.test', proof: 'sign-in' },
    ]);
    const [{ provider }] = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs.signIn;
    // Bob's own entry stops naming B's issuer; once the service's answers for him have aged out, B no longer
    // speaks for him, though the start still finds B for Bea and Bob's stored provider is still B.
    namedByWebfinger.delete('acct:bob@b-corp.test');
    server.clock.advance(61 * 60_000);
    try {
      await expectRefusedThenOwn(sent.id, provider, { login: 'bob', failure: 'not-offered' }, 'bea');
    } finally {
      namedByWebfinger.add('acct:bob@b-corp.test');
    }
  });
});

describe('built-in providers', () => {
  test('Microsoft work account: xms_edov true signs in; a plain email, even with email_verified or verified_primary_email, does not', async () => {
    const sent = await messageFor([{ address: 'max@m-corp.test', proof: 'sign-in' }]);
    const { signIn: providers } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs;
    expect(providers).toEqual([{ provider: 'microsoft', label: 'Microsoft' }]);
    for (const login of ['max-unowned', 'max-listed']) {
      const refused = await signIn(sent.id, 'microsoft', login);
      expect(refused.landing.searchParams.get('sign-in-failed')).toBe('not-a-recipient');
    }
    const signedIn = await signIn(sent.id, 'microsoft', 'max');
    expect(signedIn.landing.searchParams.get('signed-in')).toBe(sent.id);
  });

  test('Google Workspace: hd equal to the domain signs in; a consumer account with that address does not', async () => {
    const sent = await messageFor([{ address: 'gina@g-corp.test', proof: 'code' }]);
    const { signIn: providers, code } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json())
      .proofs;
    expect({ providers, code }).toEqual({ providers: [{ provider: 'google', label: 'Google' }], code: true });
    const refused = await signIn(sent.id, 'google', 'gina-consumer');
    expect(refused.landing.searchParams.get('sign-in-failed')).toBe('not-a-recipient');
    const signedIn = await signIn(sent.id, 'google', 'gina');
    expect(signedIn.landing.searchParams.get('signed-in')).toBe(sent.id);
    expect(await continueSession(signedIn.jar, sent.id)).toMatchObject({
      status: 200,
      answer: { needsPasscode: false },
    });
  });
});

describe('refusals at the edges', () => {
  test('a provider the message does not offer', async () => {
    const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
    const start = await fetch(`${server.apiBase}/pickup/${sent.id}/sign-in/google`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    expect(start.headers.get('location')).toBe(
      `${server.url}/pickup/?sign-in-failed=not-offered&message=${sent.id}`,
    );
    expect(start.headers.get('set-cookie')).toBeNull();
  });

  test('a callback without the transaction cookie, or with another state, starts nothing', async () => {
    const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
    const { provider } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs.signIn[0];
    const start = await fetch(`${server.apiBase}/pickup/${sent.id}/sign-in/${provider}`, {
      redirect: 'manual',
    });
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    // Without the cookie the service cannot know the message; with it, the failure names it.
    const cases: Array<[Record<string, string>, string]> = [
      [{}, ''],
      [{ cookie }, `&message=${sent.id}`],
    ];
    for (const [headers, about] of cases) {
      const callback = await fetch(`${callbackUrl(server.url)}?code=stolen&state=not-the-state`, {
        headers,
        redirect: 'manual',
      });
      expect(callback.headers.get('location')).toBe(`${server.url}/pickup/?sign-in-failed=expired${about}`);
      // The page continues with what the browser holds then: the cookie it sent and whatever the callback set.
      const jar = new Map<string, string>();
      for (const pair of [...(headers.cookie ? [headers.cookie] : []), ...callback.headers.getSetCookie()]) {
        const [name, value] = pair.split(';')[0]!.split('=') as [string, string];
        jar.set(name, value);
      }
      expect((await continueSession(jar, sent.id)).status).toBe(401);
    }
    expect((await auditEvents(sent.id)).map((e) => e.event)).toEqual(['created']);
  });

  test('the provider says the user cancelled', async () => {
    const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
    const { provider } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs.signIn[0];
    const start = await fetch(`${server.apiBase}/pickup/${sent.id}/sign-in/${provider}`, {
      redirect: 'manual',
    });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const callback = await fetch(`${callbackUrl(server.url)}?error=access_denied&state=${state}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(callback.headers.get('location')).toBe(
      `${server.url}/pickup/?sign-in-failed=cancelled&message=${sent.id}`,
    );
  });

  test('a provider that stops answering: the callback gives up at its one deadline and says so', async () => {
    const sent = await messageFor([{ address: 'ana@a-corp.test', proof: 'sign-in' }]);
    const { provider } = (await (await fetch(`${server.apiBase}/pickup/${sent.id}`)).json()).proofs.signIn[0];
    holdBack = (url) => url === `${A_ISSUER}/token`;
    try {
      const startedAt = performance.now();
      const { landing, jar } = await signIn(sent.id, provider, 'ana');
      const tookMs = performance.now() - startedAt;
      // It gave up at the one deadline, not after a second (a retry, or a deadline per step).
      expect(tookMs).toBeGreaterThanOrEqual(STEP_DEADLINE_MS);
      expect(tookMs).toBeLessThan(2 * STEP_DEADLINE_MS);
      expect(landing.searchParams.get('sign-in-failed')).toBe('provider-error');
      expect(landing.searchParams.get('message')).toBe(sent.id);
      expect((await continueSession(jar, sent.id)).status).toBe(401);
    } finally {
      holdBack = undefined;
    }
  });
});
