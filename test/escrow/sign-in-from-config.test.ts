/**
 * The service's sign-in directory as serve.ts builds it (from-config.ts), with private addresses allowed: a
 * provider an admin configured on a private address is reached, while WebFinger and what a recipient's domain
 * names are reached only at public addresses. Real httpsGet and address vetting; a zone standing for DNS.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../src/server/config/load';
import { createSignInDirectory } from '../../src/server/escrow/sign-in/from-config';
import { ManualClock } from '../helpers/clock';
import { fakeDns } from '../helpers/fake-dns';
import { testPki, type TestPki } from '../helpers/test-pki';

let pki: TestPki;
let provider: Server;
let issuer: string;

beforeAll(async () => {
  pki = testPki();
  provider = createServer(pki.leaf(['login.a-corp.test']), (_request, response) => {
    const metadata = {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata));
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  issuer = `https://login.a-corp.test:${(provider.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => provider?.close(resolve));
  pki?.remove();
});

test('allowPrivateAddresses reaches configured providers only, never WebFinger or a discovered provider', async () => {
  const config = parseConfig({
    publicUrl: 'https://sendguard.test',
    dataDir: '/nonexistent',
    allowPrivateAddresses: true,
    escrow: {
      signIn: {
        issuers: [{ domains: ['a-corp.test'], issuer, clientId: 'a', label: 'A Corp' }],
        discover: true,
      },
    },
  });
  const { client: dns } = fakeDns({
    'login.a-corp.test': { A: ['127.0.0.1'] },
    'b-corp.test': { A: ['127.0.0.1'] },
  });
  const failures: unknown[] = [];
  const directory = createSignInDirectory(config, {
    dns,
    network: { allowPrivateAddresses: config.allowPrivateAddresses, ca: pki.ca },
    clock: new ManualClock(),
    onLookupError: (error) => failures.push(error),
  });

  const configured = await directory.providerFor('ana@a-corp.test');
  expect(configured).toEqual({ provider: expect.stringMatching(/^oidc-/), label: 'A Corp' });
  const client = await directory.clientFor(
    'ana@a-corp.test',
    configured!.provider,
    AbortSignal.timeout(10_000),
  );
  expect(client?.metadata.tokenEndpoint).toBe(`${issuer}/token`);

  expect(await directory.providerFor('bea@b-corp.test')).toBeUndefined();
  expect(failures).toHaveLength(1);
  expect(JSON.stringify(causes(failures[0]))).toContain('ADDRESS_NOT_ALLOWED');
});

/** The codes along an error's cause chain. */
function causes(error: unknown): string[] {
  const codes: string[] = [];
  for (let at = error as { code?: string; cause?: unknown } | undefined; at; at = at.cause as typeof at)
    codes.push(at.code ?? '');
  return codes;
}
