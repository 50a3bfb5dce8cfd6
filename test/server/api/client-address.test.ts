/**
 * Who the client is, as the limits and the escrow audit see it: the socket's peer unless a trusted proxy says
 * otherwise in X-Forwarded-For. Real sockets where the peer matters (inject() cannot fake a TCP peer's trust).
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import type { ConfigInput } from '../../../src/server/config/schema';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { escrowSample, recordingMailer } from '../../escrow/harness';
import { scratchDir } from '../../helpers/scratch';
import { deployedTestApp, testApp } from './fakes';

/**
 * A running app as deployed (API tokens required), with one extra route that says what `request.ip` is; the
 * sender's `authorization` header for the API's own routes.
 */
async function listening(
  config: ConfigInput = {},
): Promise<{ app: FastifyInstance; port: number; authorization: string }> {
  const { app, authorization } = await deployedTestApp({ config });
  app.get('/test/ip', { config: { public: true } }, async (request) => ({ ip: request.ip }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port, authorization };
}

/** GET over a real connection from `localAddress` (any 127.x address works on Linux's loopback). */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ipSeen = async (port: number, headers: Record<string, string>, from?: string) =>
  (JSON.parse((await get(port, '/test/ip', headers, from)).body) as { ip: string }).ip;

let running: FastifyInstance | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

test('attack: a forged X-Forwarded-For is ignored by default — the socket peer is the client', async () => {
  const { app, port, authorization } = await listening({
    limits: { rateLimit: { perIp: { max: 2, windowMs: 60_000 } } },
  });
  running = app;
  expect(await ipSeen(port, { 'x-forwarded-for': '203.0.113.9' })).toBe('127.0.0.1');
  // Rotating the header does not buy fresh limits: the third request from this peer is over the two allowed.
  expect(
    (await get(port, '/api/v1/policy', { authorization, 'x-forwarded-for': '198.51.100.1' })).status,
  ).toBe(200);
  expect(
    (await get(port, '/api/v1/policy', { authorization, 'x-forwarded-for': '198.51.100.2' })).status,
  ).toBe(429);
});

test('listed proxies: only a request whose peer is a listed proxy names the client in X-Forwarded-For', async () => {
  const { app, port } = await listening({ trustProxy: ['127.0.0.1'] });
  running = app;
  const forwarded = { 'x-forwarded-for': '203.0.113.9, 198.51.100.20' };
  expect(await ipSeen(port, forwarded, '127.0.0.1')).toBe('198.51.100.20');
  // Another peer writing the same header is a client, not a proxy.
  expect(await ipSeen(port, forwarded, '127.0.0.2')).toBe('127.0.0.2');
});

test('a CIDR of proxies: addresses in it are skipped from the right until the first one outside', async () => {
  const { app, port } = await listening({ trustProxy: ['127.0.0.0/8', '10.0.0.0/8'] });
  running = app;
  expect(await ipSeen(port, { 'x-forwarded-for': '203.0.113.9, 10.1.2.3' }, '127.0.0.3')).toBe('203.0.113.9');
});

test('attack: addresses rotated inside one IPv6 /64 share the per-IP limit of the whole API', async () => {
  const { app, authorization } = await deployedTestApp({
    config: { limits: { rateLimit: { perIp: { max: 3, windowMs: 60_000 } } } },
  });
  const call = (remoteAddress: string) =>
    app.inject({ url: '/api/v1/policy', remoteAddress, headers: { authorization } });
  const statuses = [];
  for (let i = 1; i <= 4; i++) statuses.push((await call(`2001:db8:aa:bb::${i.toString(16)}`)).statusCode);
  expect(statuses).toEqual([200, 200, 200, 429]);
  expect((await call('2001:db8:aa:bc::1')).statusCode).toBe(200);
});

describe('attack: a forged X-Forwarded-For in the escrow audit', () => {
  /** Escrows a message on a running app, asks for a code with a forged header, returns the audit's address. */
  async function auditedAddress(config: ConfigInput): Promise<string | undefined> {
    const dataDir = scratchDir('xff');
    const store = openSqliteStore(dataDir);
    const { app } = await testApp({
      // Authentication on, as deployed: the sender below signs in with an API token of this store.
      config: { auth: { apiTokens: true }, dataDir, ...config },
      deps: { store, escrow: { store, mailer: recordingMailer() } },
    });
    app.addHook('onClose', () => store.close());
    running = app;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { token } = await issueApiToken(store.tokens, { name: 'ann', role: 'sender' });
    const sent = await escrowSample({ url, token });
    await fetch(`${url}/api/v1/escrow/pickup/${sent.id}/code`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sendguard-portal': '1',
        'x-forwarded-for': '203.0.113.66',
      },
      body: JSON.stringify({ address: 'bob@partner.test' }),
    });
    const audit = await fetch(`${url}/api/v1/escrow/messages/${sent.id}/audit`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const entries = ((await audit.json()) as { entries: Array<{ event: string; ip?: string }> }).entries;
    return entries.find((e) => e.event === 'code-sent')?.ip;
  }

  test('by default the audit records the peer, not the header', async () => {
    expect(await auditedAddress({})).toBe('127.0.0.1');
  });

  test('behind a listed proxy the audit records the client the proxy names', async () => {
    expect(await auditedAddress({ trustProxy: ['127.0.0.1'] })).toBe('203.0.113.66');
  });
});
