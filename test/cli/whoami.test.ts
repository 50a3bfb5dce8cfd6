/**
 * `sendguard whoami` against the assembled service over HTTPS (its development certificate), as an admin checks
 * a deployment: API tokens issued with `sendguard token issue --owner`, and an Entra user's token from the test
 * provider, each shown as the person the service sees; refusals and unreachable services said plainly.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { parseConfig } from '../../src/server/config/load';
import { createServer, type Server } from '../../src/server/serve';
import { runCli } from '../helpers/cli';
import { startEntraProvider, type EntraProvider } from '../helpers/entra-provider';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';

const TENANT = '5b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT = '0f1e2d3c-4b5a-4697-8877-665544332211';

let entra: EntraProvider;
let server: Server;
let url: string;
let env: Record<string, string>;
let ana: string;
let bot: string;

async function issue(...args: string[]): Promise<string> {
  const issued = await runCli(['token', 'issue', ...args], env);
  expect(issued.code).toBe(0);
  return issued.stdout.trim();
}

beforeAll(async () => {
  entra = await startEntraProvider({
    tenantId: TENANT,
    clientId: CLIENT,
    resource: `api://sendguard.example.org/${CLIENT}`,
  });
  stopAtFileEnd(entra.close);
  const dataDir = scratchDir('whoami');
  env = { SENDGUARD_DATA_DIR: dataDir };
  ana = await issue('--name', 'Ana’s Thunderbird', '--owner', 'Ana Example <Ana@Example.org>');
  bot = await issue('--name', 'nightly report', '--role', 'admin');
  const config = parseConfig({
    dataDir,
    listen: { host: '127.0.0.1', port: 0 },
    publicUrl: 'https://sendguard.example.org',
    logLevel: 'silent',
    auth: { entra: entra.serviceSettings },
  });
  server = await createServer(config);
  stopAtFileEnd(server.close);
  url = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('127.0.0.1', 'localhost');
  env.SENDGUARD_CA_FILE = server.devCaFile!;
}, 60_000);

test('an API token issued with an owner is that person', async () => {
  const result = await runCli(['whoami', '--url', url, '--token', ana], env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^You are Ana Example <ana@example\.org>\n/);
  expect(result.stdout).toMatch(/signed in as: an API token \(token:[0-9a-f]{16}\)/);
  expect(result.stdout).toContain('roles: sender\n');
});

test('the token from SENDGUARD_TOKEN; --json prints the answer of /api/v1/me', async () => {
  const result = await runCli(['whoami', '--url', url, '--json'], { ...env, SENDGUARD_TOKEN: ana });
  expect(JSON.parse(result.stdout)).toEqual({
    kind: 'token',
    subject: expect.stringMatching(/^token:/),
    name: 'Ana Example',
    address: 'ana@example.org',
    roles: ['sender'],
  });
});

test('a token without an owner is known by its name, with no mailbox', async () => {
  const result = await runCli(['whoami', '--url', url, '--token', bot], env);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^You are nightly report\n/);
  expect(result.stdout).toContain('roles: sender, admin');
  expect(result.stdout).toContain('no mailbox');
});

test('an Entra user’s token names the user and the tenant', async () => {
  const oid = randomUUID();
  const token = await entra.delegatedToken({ oid, preferredUsername: 'bo@example.org', name: 'Bo Berg' });
  const result = await runCli(['whoami', '--url', url, '--token', token], env);
  expect(result.stdout).toContain('You are Bo Berg <bo@example.org>');
  expect(result.stdout).toContain(`a Microsoft Entra ID user (${oid}, tenant ${TENANT})`);
});

test('a refused token: exit 1, saying the service refused it (401)', async () => {
  const result = await runCli(['whoami', '--url', url, '--token', `sg_${'A'.repeat(43)}`], env);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`the service at ${url} refused the token (401 AUTH_INVALID)`);
});

test('a certificate not trusted here: exit 1, pointing at --ca-file', async () => {
  const { SENDGUARD_CA_FILE: _trusted, ...untrusting } = env;
  const result = await runCli(['whoami', '--url', url, '--token', ana], untrusting);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('give its CA with --ca-file');
});

test('nothing listening: exit 1, saying the service cannot be reached', async () => {
  const closed = await new Promise<number>((resolve) => {
    const probe = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const result = await runCli(['whoami', '--url', `https://127.0.0.1:${closed}`, '--token', ana], env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`cannot reach the service at https://127.0.0.1:${closed}: ECONNREFUSED`);
});

test('a server that is not Sendguard: exit 1, saying it did not answer who you are', async () => {
  const other = createHttpServer((_request, response) => response.end('<html>welcome</html>'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = other.address() as { port: number };
    const result = await runCli(['whoami', '--url', `http://127.0.0.1:${port}`, '--token', ana], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('did not answer who you are (is it a Sendguard service?)');
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

test('a service under a path prefix is asked under that prefix, with or without the trailing slash', async () => {
  const asked: string[] = [];
  const prefixed = createHttpServer((request, response) => {
    asked.push(request.url!);
    if (request.url !== '/sendguard/api/v1/me') return void response.writeHead(404).end();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ kind: 'token', subject: 'token:1', name: 'Ana', roles: ['sender'] }));
  });
  await new Promise<void>((resolve) => prefixed.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = prefixed.address() as { port: number };
    for (const base of [`http://127.0.0.1:${port}/sendguard/`, `http://127.0.0.1:${port}/sendguard`]) {
      const result = await runCli(['whoami', '--url', base], { ...env, SENDGUARD_TOKEN: ana });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^You are Ana\n/);
    }
    expect(asked).toEqual(['/sendguard/api/v1/me', '/sendguard/api/v1/me']);
  } finally {
    await new Promise((resolve) => prefixed.close(resolve));
  }
});

test('the help recommends SENDGUARD_TOKEN over --token, which the process list shows', async () => {
  const help = (await runCli(['whoami', '--help'], env)).stdout;
  expect(help).toMatch(/SENDGUARD_TOKEN the token; prefer it to --token/);
  expect(help).toContain('process list');
});

test('usage errors: no token, no URL, a URL that is not http(s)', async () => {
  expect((await runCli(['whoami', '--url', url], env)).stderr).toContain('--token or SENDGUARD_TOKEN');
  expect((await runCli(['whoami', '--token', ana], env)).code).toBe(2);
  expect((await runCli(['whoami', '--url', 'ftp://host', '--token', ana], env)).stderr).toContain(
    'is not an https:// or http:// address',
  );
});
