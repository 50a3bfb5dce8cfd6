/**
 * The shared TLS contexts of net/trust.ts against a real TLS server on 127.0.0.1 with certificates made by the
 * openssl CLI: an extra CA is trusted, Node's bundled roots stay trusted beside it, the extra CA reaches no
 * other context, each trust and setting has one context, and a Node without the `addCACert` binding is served too.
 *
 * That the bundled roots are in a context is shown without any of their keys: a leaf is signed by a CA of our own
 * that bears the name of a bundled RSA root. Where that root is in the trust store, OpenSSL picks it as the
 * issuer by name and the leaf's signature fails against its key (CERT_SIGNATURE_FAILURE); where it is not, no
 * issuer is found at all (UNABLE_TO_VERIFY_LEAF_SIGNATURE).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { contextTrusting, MODERN_TLS } from '../../../src/server/net/trust';
import { opensslIn } from '../../helpers/openssl';

let dir: string;
let ourCa: string;
let server: tls.Server;
let openssl: ReturnType<typeof opensslIn>;

/** A self-signed RSA CA with this subject (`/C=../O=../CN=..`), as `name`.crt and `name`.key. */
function makeCa(name: string, subject: string): string {
  openssl(`req -x509 -newkey rsa:2048 -nodes -days 1 -keyout ${name}.key -out ${name}.crt -subj`, subject);
  return readFileSync(join(dir, `${name}.crt`), 'utf8');
}

/**
 * A leaf for `host` signed by CA `ca`, without key identifiers: OpenSSL then finds its issuer by name alone.
 */
function makeLeaf(ca: string, host: string): { key: string; cert: string } {
  writeFileSync(
    join(dir, `${host}.ext`),
    `subjectAltName=DNS:${host}\nauthorityKeyIdentifier=none\nsubjectKeyIdentifier=none\n`,
  );
  openssl(
    `req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${host}.key -out ${host}.csr -subj /CN=${host}`,
  );
  openssl(
    `x509 -req -in ${host}.csr -CA ${ca}.crt -CAkey ${ca}.key -set_serial 1 -days 1 -extfile ${host}.ext -out ${host}.crt`,
  );
  return {
    key: readFileSync(join(dir, `${host}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${host}.crt`), 'utf8'),
  };
}

/** The `-subj` form of a bundled RSA root's name whose values openssl can take as they are. */
function bundledRsaRootSubject(): string {
  for (const pem of tls.rootCertificates) {
    const root = new X509Certificate(pem);
    const parts = root.subject.split('\n');
    if (root.publicKey.asymmetricKeyType !== 'rsa' || parts.some((part) => /[/+\\"]/.test(part))) continue;
    return `/${parts.join('/')}`;
  }
  throw new Error('no bundled RSA root with a plain name');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-trust-'));
  openssl = opensslIn(dir);
  ourCa = makeCa('ours', '/CN=Sendguard trust test CA');
  makeCa('posing', bundledRsaRootSubject());
  const trusted = makeLeaf('ours', 'trusted.test');
  const posing = makeLeaf('posing', 'posing.test');
  // `ca: []`: the server's stores are empty, so it sends its leaf alone rather than a chain it completed.
  const contexts = new Map(
    [trusted, posing].map((leaf, i) => [
      i === 0 ? 'trusted.test' : 'posing.test',
      tls.createSecureContext({ ...leaf, ca: [] }),
    ]),
  );
  server = tls.createServer(
    { ca: [], SNICallback: (name, done) => done(null, contexts.get(name)) },
    (socket) => socket.end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The client's verdict on the server's certificate for `servername`: undefined when authorized. Without a
 * context, Node's default one for a plain `tls.connect`.
 */
function verifyError(servername: string, secureContext?: tls.SecureContext): Promise<string | undefined> {
  const { port } = server.address() as AddressInfo;
  const context = secureContext === undefined ? {} : { secureContext };
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, servername, ...context, rejectUnauthorized: false },
      () => {
        resolve(socket.authorized ? undefined : String(socket.authorizationError));
        socket.destroy();
      },
    );
    socket.on('error', reject);
  });
}

describe('contextTrusting', () => {
  it('trusts the extra CA', async () => {
    expect(await verifyError('trusted.test', contextTrusting(ourCa))).toBeUndefined();
  });

  it("keeps Node's bundled roots beside the extra CA", async () => {
    // The control: a store of the extra CA alone has no root of that name to try.
    const alone = tls.createSecureContext({ ca: ourCa });
    expect(await verifyError('posing.test', alone)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await verifyError('posing.test', contextTrusting(ourCa))).toBe('CERT_SIGNATURE_FAILURE');
    expect(await verifyError('posing.test', contextTrusting(undefined))).toBe('CERT_SIGNATURE_FAILURE');
  });

  it('without an extra CA trusts the bundled roots only', async () => {
    expect(await verifyError('trusted.test', contextTrusting(undefined))).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });

  it('keeps the extra CA out of every other context: the default one, and the shared one without it', async () => {
    const legacy = { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' };
    expect(await verifyError('trusted.test', contextTrusting(ourCa))).toBeUndefined();
    expect(await verifyError('trusted.test', contextTrusting(ourCa, legacy))).toBeUndefined();
    const refused = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
    expect(await verifyError('trusted.test')).toBe(refused);
    expect(await verifyError('trusted.test', contextTrusting(undefined))).toBe(refused);
    expect(await verifyError('trusted.test', contextTrusting(undefined, legacy))).toBe(refused);
    expect(await verifyError('trusted.test', tls.createSecureContext())).toBe(refused);
  });

  it('builds one context per trust store and setting, and reuses it', () => {
    const legacy = { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' };
    expect(contextTrusting(ourCa)).toBe(contextTrusting(ourCa, MODERN_TLS));
    expect(contextTrusting(ourCa, legacy)).toBe(contextTrusting(ourCa, { ...legacy }));
    expect(contextTrusting(ourCa, legacy)).not.toBe(contextTrusting(ourCa));
    expect(contextTrusting(undefined)).toBe(contextTrusting(undefined));
    expect(contextTrusting(undefined)).not.toBe(contextTrusting(ourCa));
  });
});

describe('contextTrusting on a Node without the undocumented addCACert binding', () => {
  let fresh: typeof import('../../../src/server/net/trust');
  const built: tls.SecureContext[] = [];
  const listed: number[] = [];

  beforeAll(() => {
    const create = tls.createSecureContext;
    jest.spyOn(tls, 'createSecureContext').mockImplementation((options) => {
      const context = create(options);
      // Hidden only where no `ca` option was given: Node's own handling of that option calls the binding.
      if (options?.ca === undefined) {
        const native = (context as { context: object }).context;
        Object.defineProperty(native, 'addCACert', { value: undefined });
      }
      built.push(context);
      listed.push(Array.isArray(options?.ca) ? options.ca.length : 0);
      return context;
    });
    jest.isolateModules(() => {
      // A module of its own: the contexts already shared by the tests above were built with the binding.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fresh = require('../../../src/server/net/trust');
    });
  });

  afterAll(() => jest.restoreAllMocks());

  it('lists the bundled roots with the extra CA: both trusted, and no context built only to be thrown away', async () => {
    const withCa = fresh.contextTrusting(ourCa);
    const withoutCa = fresh.contextTrusting(undefined);
    expect(await verifyError('trusted.test', withCa)).toBeUndefined();
    expect(await verifyError('posing.test', withCa)).toBe('CERT_SIGNATURE_FAILURE');
    expect(listed).toContain(tls.rootCertificates.length + 1);
    // Each context built is one in use: the shared one without extra CAs (where the binding was looked for) and
    // the one with the CA.
    expect(built).toHaveLength(2);
    expect(built).toContain(withCa);
    expect(built).toContain(withoutCa);
  });
});
