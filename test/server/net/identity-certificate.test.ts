/**
 * lightIdentityCertificate against a real TLS server on 127.0.0.1 that sends its leaf and CA: Node's identity
 * check is handed the leaf alone (or nothing), still refuses a certificate for another name, and the socket's own
 * getPeerCertificate is back, detailed chain and all, once the handshake is over.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { lightIdentityCertificate } from '../../../src/server/net/identity-certificate';
import { opensslIn } from '../../helpers/openssl';

let dir: string;
let caPem: string;
let server: tls.Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-identity-'));
  const openssl = opensslIn(dir);
  openssl(
    'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -keyout ca.key -out ca.crt -subj /CN=Identity-test-CA',
  );
  writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:named.test\n');
  openssl(
    'req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj /CN=named.test',
  );
  openssl(
    'x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -set_serial 7 -days 1 -extfile leaf.ext -out leaf.crt',
  );
  caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const leafPem = readFileSync(join(dir, 'leaf.crt'), 'utf8');
  server = tls.createServer(
    { key: readFileSync(join(dir, 'leaf.key')), cert: `${leafPem}${caPem}` },
    (socket) => socket.end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Handshake {
  /** What Node handed checkServerIdentity. */
  handed: tls.PeerCertificate | undefined;
  authorizationError: string | undefined;
  /** The socket's getPeerCertificate(true) after the handshake. */
  afterwards: tls.DetailedPeerCertificate;
}

function handshake(servername: string, handed?: 'leaf' | 'nothing'): Promise<Handshake> {
  const { port } = server.address() as AddressInfo;
  let seen: tls.PeerCertificate | undefined;
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        host: '127.0.0.1',
        port,
        servername,
        ca: [caPem],
        rejectUnauthorized: false,
        checkServerIdentity: (host, cert) => {
          seen = cert;
          return tls.checkServerIdentity(host, cert);
        },
      },
      () => {
        const authorizationError = socket.authorized ? undefined : String(socket.authorizationError);
        resolve({ handed: seen, authorizationError, afterwards: socket.getPeerCertificate(true) });
        socket.destroy();
      },
    );
    if (handed) lightIdentityCertificate(socket, handed);
    socket.on('error', reject);
  });
}

describe('lightIdentityCertificate', () => {
  it('leaves Node handing the detailed chain when not used', async () => {
    const { handed } = await handshake('named.test');
    expect(handed?.subjectaltname).toBe('DNS:named.test');
    expect((handed as tls.DetailedPeerCertificate).issuerCertificate?.subject.CN).toBe('Identity-test-CA');
  });

  it('hands the leaf alone, whose names Node still checks', async () => {
    const named = await handshake('named.test', 'leaf');
    expect(named.handed?.subjectaltname).toBe('DNS:named.test');
    expect((named.handed as tls.DetailedPeerCertificate).issuerCertificate).toBeUndefined();
    expect(named.authorizationError).toBeUndefined();
    const other = await handshake('other.test', 'leaf');
    expect(other.authorizationError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('hands an empty object for a check that reads nothing', async () => {
    const { handed } = await handshake('named.test', 'nothing');
    expect(handed).toEqual({});
  });

  it("gives the socket Node's own method back after the handshake", async () => {
    for (const handed of ['leaf', 'nothing'] as const) {
      const { afterwards } = await handshake('named.test', handed);
      expect(afterwards.subject.CN).toBe('named.test');
      expect(afterwards.issuerCertificate?.subject.CN).toBe('Identity-test-CA');
    }
  });
});
