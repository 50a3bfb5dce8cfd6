/**
 * Authentication end to end through the app: Entra tokens signed by a local key and checked against a JWKS
 * served over HTTP on 127.0.0.1 (the real remote-JWKS path), API tokens, roles, and dev mode.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { openMemoryStore } from '../../../src/server/store/memory';
import { testApp } from '../api/fakes';
import { AUDIENCE, CLIENT, TENANT, craftToken, signingKey } from './crafted-tokens';

const published = signingKey('published');
const unpublished = signingKey('unpublished');
let jwksServer: Server;
let jwksUri: string;

/** A key endpoint on 127.0.0.1 answering with `answer`; its server and the URL of its key set. */
async function keyEndpoint(answer: RequestListener): Promise<{ server: Server; uri: string }> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys` };
}

const closeServer = (server: Server) => new Promise((resolve) => server.close(resolve));

beforeAll(async () => {
  ({ server: jwksServer, uri: jwksUri } = await keyEndpoint((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [published.jwk] }));
  }));
});
afterAll(() => closeServer(jwksServer));

/** A delegated token as Entra issues it, signed with `key`, with `claims` changed. */
const jwt = (claims: Record<string, unknown>, key = published) => craftToken(key, { claims });

async function app(auth: Record<string, unknown> = {}) {
  const store = openMemoryStore();
  const built = await testApp({
    config: { auth: { entra: { tenantId: TENANT, clientId: CLIENT, audience: AUDIENCE, jwksUri }, ...auth } },
    deps: { store },
  });
  return { ...built, store };
}

const get = (token?: string, url = '/api/v1/policy') => ({
  method: 'GET' as const,
  url,
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
});

function expectRefused(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  code: string,
) {
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer');
  expect(response.json()).toEqual({ error: { code, message: expect.any(String) } });
}

describe('Entra ID access tokens', () => {
  test('a valid token is accepted', async () => {
    const { app: server } = await app();
    expect((await server.inject(get(jwt({})))).statusCode).toBe(200);
  });

  // Each wrong claim and each attack on the signature: entra-tokens.test.ts, against the assembled service.
  test('a token signed by a key the tenant does not publish is refused', async () => {
    const { app: server } = await app();
    expectRefused(await server.inject(get(jwt({}, unpublished))), 'AUTH_INVALID');
  });

  // The caller's token may be fine in each case: refusing it would send every user to sign in again for nothing.
  test.each<[string, RequestListener | 'closed']>([
    ['nothing listening', 'closed'],
    ['HTTP 500', (_request, response) => void response.writeHead(500).end('{"error":"busy"}')],
    ['a body that is not JSON', (_request, response) => void response.end('<html>maintenance</html>')],
    ['JSON that is not a key set', (_request, response) => void response.end('{"keys":"none"}')],
  ])(
    'a key endpoint answering %s: 503 AUTH_UNAVAILABLE, not a refusal of the token',
    async (_case, answer) => {
      const endpoint = await keyEndpoint(answer === 'closed' ? () => undefined : answer);
      if (answer === 'closed') await closeServer(endpoint.server);
      try {
        const { app: server } = await app({
          entra: { tenantId: TENANT, clientId: CLIENT, audience: AUDIENCE, jwksUri: endpoint.uri },
        });
        const response = await server.inject(get(jwt({})));
        expect(response.statusCode).toBe(503);
        expect(response.json().error.code).toBe('AUTH_UNAVAILABLE');
      } finally {
        if (answer !== 'closed') await closeServer(endpoint.server);
      }
    },
  );

  test('no Authorization header, or one that is not a bearer token, is refused', async () => {
    const { app: server } = await app();
    expectRefused(await server.inject(get()), 'AUTH_REQUIRED');
    expectRefused(
      await server.inject({ method: 'GET', url: '/api/v1/policy', headers: { authorization: 'Basic YTpi' } }),
      'AUTH_INVALID',
    );
    expectRefused(await server.inject(get('garbage')), 'AUTH_INVALID');
  });

  test('the admin app role opens admin routes; a plain user gets 403 there', async () => {
    const { app: server } = await app();
    const forbidden = await server.inject(get(jwt({}), '/api/v1/admin/tokens'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');
    expect(
      (await server.inject(get(jwt({ roles: ['Sendguard.Admin'] }), '/api/v1/admin/tokens'))).statusCode,
    ).toBe(200);
  });
});

describe('API tokens', () => {
  test('a valid token is accepted until it is revoked; an unknown one never', async () => {
    const { app: server, store } = await app({ entra: undefined });
    const { token, record } = await issueApiToken(store.tokens, { name: 'thunderbird', role: 'sender' });
    expect(token).toMatch(/^sg_[A-Za-z0-9_-]{43}$/);
    expect((await server.inject(get(token))).statusCode).toBe(200);
    await store.tokens.revoke(record.id, new Date().toISOString());
    expectRefused(await server.inject(get(token)), 'AUTH_INVALID');
    expectRefused(await server.inject(get(`sg_${'A'.repeat(43)}`)), 'AUTH_INVALID');
  });

  test('the store never holds the token itself', async () => {
    const { store } = await app();
    const { token } = await issueApiToken(store.tokens, { name: 'cli', role: 'admin' });
    expect(JSON.stringify(await store.tokens.list())).not.toContain(token.slice(3));
  });

  test('an admin issues, lists and revokes tokens; the token text is shown once; a sender token gets 403', async () => {
    const { app: server, store } = await app();
    const { token: admin } = await issueApiToken(store.tokens, { name: 'admin', role: 'admin' });
    const issued = await server.inject({
      method: 'POST',
      url: '/api/v1/admin/tokens',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'thunderbird for ann' },
    });
    expect(issued.statusCode).toBe(201);
    const { token, id, role } = issued.json();
    expect(role).toBe('sender');
    expect((await server.inject(get(token))).statusCode).toBe(200);
    expect((await server.inject(get(token, '/api/v1/admin/tokens'))).statusCode).toBe(403);
    const listed = (await server.inject(get(admin, '/api/v1/admin/tokens'))).json();
    expect(listed.map((t: { name: string }) => t.name)).toEqual(['admin', 'thunderbird for ann']);
    expect(JSON.stringify(listed)).not.toMatch(/sg_|hash/);
    const revoke = {
      method: 'DELETE' as const,
      url: `/api/v1/admin/tokens/${id}`,
      headers: { authorization: `Bearer ${admin}` },
    };
    expect((await server.inject(revoke)).statusCode).toBe(204);
    expect((await server.inject(revoke)).statusCode).toBe(404);
    expectRefused(await server.inject(get(token)), 'AUTH_INVALID');
  });

  test('a token acts for its owner: /me gives their name and mailbox; an owner-less token its own name only', async () => {
    const { app: server, store } = await app();
    const { token: admin } = await issueApiToken(store.tokens, { name: 'admin', role: 'admin' });
    const issue = (payload: object) =>
      server.inject({
        method: 'POST',
        url: '/api/v1/admin/tokens',
        headers: { authorization: `Bearer ${admin}` },
        payload,
      });
    const issued = await issue({ name: 'thunderbird for ana', owner: 'Ana Example <Ana@Example.org>' });
    expect(issued.statusCode).toBe(201);
    expect(issued.json().owner).toEqual({ name: 'Ana Example', address: 'ana@example.org' });
    expect((await server.inject(get(issued.json().token, '/api/v1/me'))).json()).toEqual({
      kind: 'token',
      subject: `token:${issued.json().id}`,
      name: 'Ana Example',
      address: 'ana@example.org',
      roles: ['sender'],
    });
    expect((await server.inject(get(admin, '/api/v1/me'))).json()).toEqual({
      kind: 'token',
      subject: expect.stringMatching(/^token:/),
      name: 'admin',
      roles: ['sender', 'admin'],
    });
    const refused = await issue({ name: 'x', owner: 'not a mailbox' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toEqual({
      code: 'ADDRESS_INVALID',
      message: expect.stringContaining('the owner "not a mailbox" is not one mailbox'),
    });
  });

  test('API tokens can be switched off', async () => {
    const { app: server, store } = await app({ apiTokens: false });
    const { token } = await issueApiToken(store.tokens, { name: 'cli', role: 'admin' });
    expectRefused(await server.inject(get(token)), 'AUTH_INVALID');
  });
});

describe('dev mode', () => {
  test('every caller is let in as admin, and every API response says authentication is off', async () => {
    const { app: server } = await testApp();
    const response = await server.inject(get(undefined, '/api/v1/admin/tokens'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-sendguard-dev-no-auth']).toBe('1');
  });

  test('the start-up log warns loudly', async () => {
    const lines: string[] = [];
    await testApp({ deps: { logStream: { write: (line) => void lines.push(line) } } });
    const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 40);
    expect(warning.msg).toMatch(/AUTHENTICATION IS OFF/);
  });

  test('/me names development mode for what it is: no person, no mailbox', async () => {
    const { app: server } = await testApp();
    expect((await server.inject(get(undefined, '/api/v1/me'))).json()).toEqual({
      kind: 'dev',
      subject: 'dev',
      name: 'Sendguard development mode (no sign-in)',
      roles: ['sender', 'admin'],
    });
  });

  test('without dev mode there is no such header', async () => {
    const { app: server } = await app();
    expect((await server.inject(get(jwt({})))).headers['x-sendguard-dev-no-auth']).toBeUndefined();
  });
});
