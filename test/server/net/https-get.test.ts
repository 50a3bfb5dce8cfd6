/**
 * httpsGet against a real HTTPS server on 127.0.0.1 whose certificates come from a throwaway CA made with the
 * openssl CLI. The server picks its certificate by SNI, so each host name below stands for one certificate case;
 * none of them exists in DNS, so a success also proves that only the injected resolver was asked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { httpsGet, HttpsGetError, type HttpsGetOptions } from '../../../src/server/net/https-get';

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
[dn]
[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[any]
commonName = supplied
`;

interface KeyPair {
  key: Buffer;
  cert: Buffer;
}

let dir: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function makeCa(name: string): void {
  openssl(
    ...['req', '-config', 'openssl.cnf', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`],
    ...['-days', '2', '-subj', `/CN=${name}`],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'],
  );
}

/** A leaf for `dnsName` signed by `ca`, valid from `start` to `end` (openssl ca's YYYYMMDDHHMMSSZ). */
function issue(file: string, ca: string, dnsName: string, start: string, end: string): KeyPair {
  openssl(
    ...['req', '-config', 'openssl.cnf', '-new', ...EC_KEY, '-keyout', `${file}.key`, '-out', `${file}.csr`],
    ...['-subj', `/CN=${dnsName}`, '-addext', `subjectAltName=DNS:${dnsName}`],
  );
  openssl(
    ...['ca', '-config', 'openssl.cnf', '-batch', '-notext', '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`],
    ...['-in', `${file}.csr`, '-out', `${file}.pem`, '-startdate', start, '-enddate', end],
  );
  return { key: readFileSync(join(dir, `${file}.key`)), cert: readFileSync(join(dir, `${file}.pem`)) };
}

function selfSigned(file: string, dnsName: string): KeyPair {
  openssl(
    ...['req', '-config', 'openssl.cnf', '-x509', ...EC_KEY, '-keyout', `${file}.key`, '-out', `${file}.pem`],
    ...['-days', '2', '-subj', `/CN=${dnsName}`, '-addext', `subjectAltName=DNS:${dnsName}`],
  );
  return { key: readFileSync(join(dir, `${file}.key`)), cert: readFileSync(join(dir, `${file}.pem`)) };
}

/** Now plus `offsetDays`, in the YYYYMMDDHHMMSSZ form `openssl ca` takes. */
function stamp(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().replace(/[-:T]|\.\d+/g, '');
}

const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\nmax_age: 86400\r\n';

let caPem: Buffer;
let port: number;
let server: https.Server;
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();
let seen: { host: string | undefined; servername: string | undefined; path: string | undefined }[] = [];
let streamedBytes = 0;

/** Paths the server answers; each is one behaviour a hostile or broken policy host can show. */
const ROUTES: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/policy': (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end(POLICY);
  },
  '/redirect': (_request, response) => {
    response.writeHead(301, { Location: 'https://elsewhere.example.test/policy' });
    response.end();
  },
  '/declared-large': (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 10_000_000 });
    response.write('x');
  },
  '/streamed-large': (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const pump = () => {
      while (!response.destroyed && streamedBytes < 64 * 1024 * 1024) {
        streamedBytes += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  },
  '/drip': (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    // One byte every 50 ms never looks idle: only an overall deadline stops it.
    const timer = setInterval(() => response.write('x'), 50);
    timers.add(timer);
    response.on('close', () => clearInterval(timer));
  },
  '/silent': () => {},
  '/truncated': (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 1000 });
    response.write(POLICY);
    setTimeout(() => response.destroy(), 20);
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-https-'));
  writeFileSync(join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  makeCa('ca');
  makeCa('untrusted-ca');
  caPem = readFileSync(join(dir, 'ca.pem'));
  const untrustedCa = readFileSync(join(dir, 'untrusted-ca.pem'));
  const untrustedLeaf = issue('untrusted', 'untrusted-ca', 'untrusted.example.test', stamp(-1), stamp(2));
  const contexts: Record<string, tls.SecureContext> = {
    'valid.example.test': tls.createSecureContext(
      issue('valid', 'ca', 'valid.example.test', stamp(-1), stamp(2)),
    ),
    'wrong-name.example.test': tls.createSecureContext(
      issue('wrong-name', 'ca', 'other.example.test', stamp(-1), stamp(2)),
    ),
    'expired.example.test': tls.createSecureContext(
      issue('expired', 'ca', 'expired.example.test', '20200101000000Z', '20200102000000Z'),
    ),
    'self-signed.example.test': tls.createSecureContext(
      selfSigned('self-signed', 'self-signed.example.test'),
    ),
    // The server sends its whole chain, root included, as many misconfigured hosts do.
    'untrusted.example.test': tls.createSecureContext({
      key: untrustedLeaf.key,
      cert: Buffer.concat([untrustedLeaf.cert, untrustedCa]),
    }),
  };
  server = https.createServer(
    {
      SNICallback: (servername, done) => done(null, contexts[servername] ?? contexts['valid.example.test']),
    },
    (request, response) => {
      const socket = request.socket as tls.TLSSocket;
      seen.push({
        host: request.headers.host,
        servername: (socket as { servername?: string }).servername,
        path: request.url,
      });
      (ROUTES[request.url ?? ''] ?? ROUTES['/policy'])?.(request, response);
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  streamedBytes = 0;
});

const lookedUp: string[] = [];

function options(overrides: Partial<HttpsGetOptions> = {}): HttpsGetOptions {
  return {
    resolveAddresses: async (host) => {
      lookedUp.push(host);
      return ['127.0.0.1'];
    },
    allowPrivateAddresses: true,
    ca: caPem,
    maxBytes: 64 * 1024,
    timeoutMs: 5000,
    ...overrides,
  };
}

function url(host: string, path = '/policy'): string {
  return `https://${host}:${port}${path}`;
}

async function failure(promise: Promise<unknown>): Promise<HttpsGetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpsGetError) return error;
    throw error;
  }
  throw new Error('expected httpsGet to fail');
}

describe('httpsGet', () => {
  test('fetches over a validated connection to the resolved address, with SNI and Host for the name', async () => {
    lookedUp.length = 0;
    const response = await httpsGet(url('valid.example.test'), options({ accept: 'text/plain' }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.body.toString()).toBe(POLICY);
    expect(response.address).toBe('127.0.0.1');
    expect(lookedUp).toEqual(['valid.example.test']);
    expect(seen).toEqual([
      { host: `valid.example.test:${port}`, servername: 'valid.example.test', path: '/policy' },
    ]);
  });

  test('a certificate for another name fails with ERR_TLS_CERT_ALTNAME_INVALID before any request', async () => {
    const error = await failure(httpsGet(url('wrong-name.example.test'), options()));
    expect(error.code).toBe('HTTP_TLS_FAILED');
    expect(error.tlsCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(seen).toEqual([]);
  });

  test('an expired certificate fails with CERT_HAS_EXPIRED', async () => {
    const error = await failure(httpsGet(url('expired.example.test'), options()));
    expect([error.code, error.tlsCode]).toEqual(['HTTP_TLS_FAILED', 'CERT_HAS_EXPIRED']);
  });

  test('a self-signed certificate fails with DEPTH_ZERO_SELF_SIGNED_CERT', async () => {
    const error = await failure(httpsGet(url('self-signed.example.test'), options()));
    expect([error.code, error.tlsCode]).toEqual(['HTTP_TLS_FAILED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
  });

  test('a chain ending in a root nobody trusts fails with SELF_SIGNED_CERT_IN_CHAIN', async () => {
    const error = await failure(httpsGet(url('untrusted.example.test'), options()));
    expect([error.code, error.tlsCode]).toEqual(['HTTP_TLS_FAILED', 'SELF_SIGNED_CERT_IN_CHAIN']);
  });

  test('without the extra CA the test CA is not trusted: Node’s default roots stay in charge', async () => {
    const error = await failure(httpsGet(url('valid.example.test'), options({ ca: undefined })));
    expect([error.code, error.tlsCode]).toEqual(['HTTP_TLS_FAILED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
  });

  test('a redirect is returned to the caller, not followed', async () => {
    const response = await httpsGet(url('valid.example.test', '/redirect'), options());
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('https://elsewhere.example.test/policy');
    expect(seen).toHaveLength(1);
  });

  test('a declared Content-Length above maxBytes is refused without reading the body', async () => {
    const error = await failure(httpsGet(url('valid.example.test', '/declared-large'), options()));
    expect(error.code).toBe('HTTP_BODY_TOO_LARGE');
  });

  test('a streamed body is cut off once it exceeds maxBytes', async () => {
    const error = await failure(
      httpsGet(url('valid.example.test', '/streamed-large'), options({ maxBytes: 4096 })),
    );
    expect(error.code).toBe('HTTP_BODY_TOO_LARGE');
    expect(streamedBytes).toBeLessThan(64 * 1024 * 1024);
  });

  test('a body of exactly maxBytes is accepted, one byte less is refused', async () => {
    const exact = Buffer.byteLength(POLICY);
    const response = await httpsGet(url('valid.example.test'), options({ maxBytes: exact }));
    expect(response.body.length).toBe(exact);
    const error = await failure(httpsGet(url('valid.example.test'), options({ maxBytes: exact - 1 })));
    expect(error.code).toBe('HTTP_BODY_TOO_LARGE');
  });

  test('a server that drips bytes hits the overall deadline', async () => {
    const started = Date.now();
    const error = await failure(httpsGet(url('valid.example.test', '/drip'), options({ timeoutMs: 300 })));
    expect(error.code).toBe('HTTP_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a server that never answers hits the deadline', async () => {
    const error = await failure(httpsGet(url('valid.example.test', '/silent'), options({ timeoutMs: 300 })));
    expect(error.code).toBe('HTTP_TIMEOUT');
  });

  test('a resolver that never answers hits the deadline too', async () => {
    const hanging = options({ timeoutMs: 200, resolveAddresses: () => new Promise<string[]>(() => {}) });
    const error = await failure(httpsGet(url('valid.example.test'), hanging));
    expect(error.code).toBe('HTTP_TIMEOUT');
  });

  test('the caller’s AbortSignal cancels the request', async () => {
    const controller = new AbortController();
    const pending = httpsGet(url('valid.example.test', '/silent'), options({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error.code).toBe('HTTP_ABORTED');
  });

  test('a body cut short is an error, not a short body', async () => {
    const error = await failure(httpsGet(url('valid.example.test', '/truncated'), options()));
    expect(error.code).toBe('HTTP_RESPONSE_FAILED');
  });

  test('a private address is refused unless allowed, before any connection', async () => {
    const refused = httpsGet(url('valid.example.test'), options({ allowPrivateAddresses: false }));
    await expect(refused).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED', address: '127.0.0.1' });
    expect(seen).toEqual([]);
  });

  test('when every address is refused, the first refusal is reported', async () => {
    const both = options({
      allowPrivateAddresses: false,
      resolveAddresses: async () => ['10.0.0.1', '127.0.0.1'],
    });
    await expect(httpsGet(url('valid.example.test'), both)).rejects.toMatchObject({ address: '10.0.0.1' });
  });

  test('addresses are tried in order until one accepts the connection', async () => {
    // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1 only), so that connection is refused.
    const twoAddresses = options({ resolveAddresses: async () => ['127.0.0.2', '127.0.0.1'] });
    const response = await httpsGet(url('valid.example.test'), twoAddresses);
    expect(response.address).toBe('127.0.0.1');
  });

  test('when no address accepts the connection the error says HTTP_CONNECT_FAILED', async () => {
    const error = await failure(
      httpsGet(url('valid.example.test'), options({ resolveAddresses: async () => ['127.0.0.2'] })),
    );
    expect(error.code).toBe('HTTP_CONNECT_FAILED');
  });

  test('a name without addresses is HTTP_NAME_NOT_FOUND; a failing resolver is HTTP_RESOLVE_FAILED', async () => {
    const none = await failure(
      httpsGet(url('valid.example.test'), options({ resolveAddresses: async () => [] })),
    );
    expect(none.code).toBe('HTTP_NAME_NOT_FOUND');
    const servfail = options({ resolveAddresses: () => Promise.reject(new Error('SERVFAIL')) });
    expect((await failure(httpsGet(url('valid.example.test'), servfail))).code).toBe('HTTP_RESOLVE_FAILED');
  });

  test.each([
    'http://valid.example.test/policy',
    'https://127.0.0.1/policy',
    'https://u:p@valid.example.test/',
    'nonsense',
  ])('refuses %s', async (bad) => {
    expect((await failure(httpsGet(bad, options()))).code).toBe('HTTP_URL_INVALID');
  });
});
