/**
 * The recipient session and the portal's defences as HTTP sees them: the `__Host-` cookie's attributes, CSRF on
 * every state change (portal header, Origin, per-session token), and the headers on API answers and portal files.
 */
import type { EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import { API_HEADERS } from '../../src/server/escrow/headers';
import { escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from './harness';
import { ensurePortalBuilt } from './portal-build';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let sent: EscrowedMessage;

beforeAll(() => ensurePortalBuilt(), 170_000);
beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
  sent = await escrowSample(server);
});
afterEach(() => server.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.apiBase}/pickup/${sent.id}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1', ...headers },
    body: JSON.stringify(body),
  });

async function session(): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  await post('/code', { address: 'bob@partner.test' });
  const verify = await post('/verify', {
    address: 'bob@partner.test',
    code: mailer.codeFor('bob@partner.test'),
  });
  expect(verify.status).toBe(200);
  const setCookie = verify.headers.get('set-cookie')!;
  return {
    setCookie,
    cookie: setCookie.split(';')[0]!,
    csrf: ((await verify.json()) as { csrf: string }).csrf,
  };
}

test('the session cookie is __Host-, Secure, HttpOnly, SameSite=Strict, Path=/, short-lived', async () => {
  const { setCookie } = await session();
  expect(setCookie).toMatch(/^__Host-sg-pickup=[A-Za-z0-9_-]{43}; /);
  for (const attribute of ['Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict', 'Max-Age=1800'])
    expect(setCookie).toContain(attribute);
  expect(setCookie).not.toMatch(/Domain=/i);
});

test('CSRF: state changes need the portal header, a same-origin Origin, and the session token', async () => {
  expect((await post('/code', { address: 'bob@partner.test' }, { 'x-sendguard-portal': '0' })).status).toBe(
    403,
  );
  expect(
    (await post('/code', { address: 'bob@partner.test' }, { origin: 'https://evil.example' })).status,
  ).toBe(403);
  expect(mailer.sent).toHaveLength(0);
  const { cookie, csrf } = await session();
  expect((await post('/open', {}, { cookie })).status).toBe(401); // no CSRF token
  expect(
    (
      await post(
        '/open',
        {},
        {
          cookie,
          'x-sendguard-csrf': csrf.replace(/^./, 'A') === csrf ? `B${csrf.slice(1)}` : `A${csrf.slice(1)}`,
        },
      )
    ).status,
  ).toBe(401);
  expect(
    (await post('/open', {}, { cookie, 'x-sendguard-csrf': csrf, origin: 'https://evil.example' })).status,
  ).toBe(403);
  expect((await post('/open', {}, { cookie, 'x-sendguard-csrf': csrf, origin: server.url })).status).toBe(
    200,
  );
});

test('a session expires, and does not open another message', async () => {
  const { cookie, csrf } = await session();
  const other = await fetch(`${server.apiBase}/pickup/AAAAAAAAAAAAAAAAAAAAAA/open`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-sendguard-portal': '1',
      cookie,
      'x-sendguard-csrf': csrf,
    },
    body: '{}',
  });
  expect(other.status).toBe(401);
  server.clock.advance(30 * 60_000 + 1);
  expect((await post('/open', {}, { cookie, 'x-sendguard-csrf': csrf })).status).toBe(401);
});

test('API answers carry the strict headers; the portal page carries its CSP', async () => {
  const info = await fetch(`${server.apiBase}/pickup/${sent.id}`);
  for (const [name, value] of Object.entries(API_HEADERS)) expect(info.headers.get(name)).toBe(value);
  const page = await fetch(`${server.url}/pickup/`);
  expect(page.status).toBe(200);
  const csp = page.headers.get('content-security-policy')!;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  for (const name of [
    'referrer-policy',
    'x-content-type-options',
    'cross-origin-opener-policy',
    'strict-transport-security',
  ])
    expect(page.headers.get(name)).toBeTruthy();
  expect(page.headers.get('cache-control')).toBe('no-store');
  expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script the CSP would have to allow
});

test('unknown body keys and wrong types are refused before any handler runs', async () => {
  expect((await post('/code', { address: 'bob@partner.test', extra: 1 })).status).toBe(400);
  expect((await post('/verify', { address: 'bob@partner.test', code: 12345678 })).status).toBe(400);
  const traversal = await fetch(`${server.apiBase}/pickup/..%2F..%2Fetc/blobs/0`);
  expect(traversal.status).toBe(400);
  const part = (query: string) =>
    fetch(`${server.apiBase}/messages/${sent.id}/blobs/0${query}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(8),
    });
  for (const query of ['', '?offset=-1', '?offset=0&extra=1'])
    expect(((await (await part(query)).json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_FAILED',
    );
});

test('a recipient is the same whatever the case and domain form; text that is no address is refused', async () => {
  const idn = await escrowSample(server, {
    recipients: [{ address: 'Dora@Bücher.example', proof: 'code' }],
  });
  const ask = (address: string) =>
    fetch(`${server.apiBase}/pickup/${idn.id}/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1' },
      body: JSON.stringify({ address }),
    });
  expect((await ask(' dora@xn--bcher-kva.EXAMPLE ')).status).toBe(202);
  expect(mailer.codeFor('dora@xn--bcher-kva.example')).toMatch(/^\d{8}$/);
  const refused = await ask('no address');
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ESCROW_INVALID');
});
