/**
 * probeSmtp against fake MX servers on 127.0.0.1: plain net + tls servers scripted per test, certificates made by
 * the openssl CLI in a temporary directory. Every test also checks that the probe left no socket open and no
 * timer running.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  probeSmtp,
  type SmtpProbeOptions,
  type SmtpProbeResult,
} from '../../../src/server/transport/smtp-probe';
import { ManualClock } from '../../helpers/clock';
import { withFiveOctetTbsLength } from '../../helpers/openssl';

const MX = 'mx.test.example';

interface KeyPair {
  key: string;
  cert: string;
}

interface Pki {
  ca: string;
  valid: KeyPair;
  cnOnly: KeyPair;
  wildcard: KeyPair;
  expired: KeyPair;
  validSpkiSha256: string;
}

let dir: string;
let pki: Pki;

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A leaf signed by the test CA; `days: -1` makes it expire before it is used. */
function issue(name: string, subject: string, san: string | undefined, days = 2): KeyPair {
  openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const extensions = ['basicConstraints=CA:FALSE', ...(san ? [`subjectAltName=${san}`] : [])];
  writeFileSync(path.join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', `${name}.ext`];
  openssl(['x509', '-req', '-in', `${name}.csr`, ...sign, '-days', String(days), '-out', `${name}.pem`]);
  return {
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8'),
  };
}

/** The DANE 3 1 1 value as OpenSSL computes it, as a known answer for the probe's own hash. */
function opensslSpkiSha256(name: string): string {
  const spki = openssl(['x509', '-in', `${name}.pem`, '-noout', '-pubkey']);
  const der = openssl(['pkey', '-pubin', '-outform', 'DER'], spki);
  return openssl(['dgst', '-sha256', '-r'], der).toString().split(' ')[0] ?? '';
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sendguard-smtp-probe-'));
  const caExtensions = [
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ];
  openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Sendguard Test CA',
    ...caExtensions,
  ]);
  pki = {
    ca: readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
    valid: issue('valid', `/CN=${MX}`, `DNS:${MX},DNS:mx-alt.test.example`),
    cnOnly: issue('cn-only', `/CN=${MX}`, undefined),
    wildcard: issue('wildcard', '/CN=wildcard', 'DNS:*.test.example'),
    expired: issue('expired', `/CN=${MX}`, `DNS:${MX}`, -1),
    validSpkiSha256: opensslSpkiSha256('valid'),
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How a fake MX behaves; replies are raw text so tests can send anything at all. */
interface FakeMx {
  /** `null`: a tarpit that never greets. */
  banner?: string | null;
  ehlo?: string;
  helo?: string;
  starttls?: string;
  /** Server TLS settings, `hang-up` to close the connection as the ClientHello arrives; unset: never answer it. */
  tls?: tls.SecureContextOptions | 'hang-up';
  ehloTls?: string;
}

interface FakeServer {
  port: number;
  /** Every command line received, over all connections, in order. */
  commands: string[];
  connections: number;
  /** Resolves once every connection the server accepted is closed. */
  allClosed(): Promise<void>;
  stop(): Promise<void>;
}

const servers: FakeServer[] = [];

function serveSession(socket: net.Socket, mx: FakeMx, server: FakeServer): void {
  let current: net.Socket = socket;
  let secure = false;
  let buffer = '';
  const write = (text: string | undefined) => text !== undefined && current.write(text);
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      server.commands.push(line);
      answer(line);
    }
  };
  const upgrade = () => {
    socket.off('data', onData);
    if (mx.tls === undefined) return;
    if (mx.tls === 'hang-up') {
      socket.once('data', () => socket.destroy());
      return;
    }
    const wrapped = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: tls.createSecureContext(mx.tls),
    });
    wrapped.on('error', () => wrapped.destroy());
    wrapped.on('data', onData);
    current = wrapped;
    secure = true;
  };
  const answer = (line: string) => {
    const verb = line.split(' ')[0]?.toUpperCase();
    if (verb === 'EHLO') write(secure ? (mx.ehloTls ?? '250 mx\r\n') : (mx.ehlo ?? '250 mx\r\n'));
    else if (verb === 'HELO') write(mx.helo ?? '250 mx\r\n');
    else if (verb === 'STARTTLS') {
      write(mx.starttls ?? '220 go ahead\r\n');
      upgrade();
    } else if (verb === 'QUIT') {
      write('221 bye\r\n');
      current.end();
    } else write('500 unknown command\r\n');
  };
  socket.on('error', () => socket.destroy());
  socket.on('data', onData);
  if (mx.banner !== null) write(mx.banner ?? `220 ${MX} ESMTP\r\n`);
}

async function startFake(mx: FakeMx): Promise<FakeServer> {
  const closed: Promise<void>[] = [];
  const listener = net.createServer();
  const server: FakeServer = {
    port: 0,
    commands: [],
    connections: 0,
    allClosed: () => Promise.all(closed).then(() => undefined),
    stop: () => new Promise((resolve) => listener.close(() => resolve())),
  };
  listener.on('connection', (socket) => {
    server.connections += 1;
    closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
    serveSession(socket, mx, server);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  server.port = (listener.address() as net.AddressInfo).port;
  servers.push(server);
  return server;
}

/**
 * Timers created on a probe's behalf, traced through its async context (socket callbacks included) and dropped
 * once destroyed: whatever remains after the probe has outlived it.
 */
const probeContext = new AsyncLocalStorage<true>();
const liveProbeTimers = new Set<number>();
createHook({
  init: (id, type) => void (type === 'Timeout' && probeContext.getStore() && liveProbeTimers.add(id)),
  destroy: (id) => void liveProbeTimers.delete(id),
}).enable();

async function traced<T>(run: () => Promise<T>): Promise<T> {
  return probeContext.run(true, run);
}

async function expectNoTimersLeft(): Promise<void> {
  // Node reports destroyed timers to hooks from an immediate.
  await new Promise(setImmediate);
  await new Promise(setImmediate);
  const left = liveProbeTimers.size;
  liveProbeTimers.clear();
  expect(left).toBe(0);
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const EHLO_PLAIN = '250-mx greets you\r\n250-SIZE 10240000\r\n250-PIPELINING\r\n250 STARTTLS\r\n';
const EHLO_TLS = '250-mx greets you again\r\n250-SIZE 10240000\r\n250 PIPELINING\r\n';
const FAST = { connectMs: 2000, bannerMs: 2000, commandMs: 2000, tlsMs: 2000, totalMs: 8000 };

function options(extra: Partial<SmtpProbeOptions> = {}): SmtpProbeOptions {
  return {
    heloName: 'probe.sendguard.test',
    allowPrivateAddresses: true,
    ca: pki.ca,
    deadlines: FAST,
    ...extra,
  };
}

/** Probes the fake server and checks that the server saw every connection closed and no timer was left behind. */
async function probe(server: FakeServer, extra: Partial<SmtpProbeOptions> = {}): Promise<SmtpProbeResult> {
  const target = { mxHostname: MX, address: '127.0.0.1', port: server.port };
  const result = await traced(() => probeSmtp(target, options(extra)));
  await expect(withTimeout(server.allClosed(), 2000)).resolves.toBeUndefined();
  await expectNoTimersLeft();
  return result;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const modernTls = (pair: KeyPair): FakeMx => ({ ehlo: EHLO_PLAIN, ehloTls: EHLO_TLS, tls: { ...pair } });

describe('probeSmtp: the plaintext dialogue', () => {
  test('RFC 5321 §4.2: a multi-line banner is read to its final line, EHLO extensions recorded', async () => {
    const banner = `220-${MX} ESMTP\r\n220-no UCE\r\n220 ready\r\n`;
    const server = await startFake({ ...modernTls(pki.valid), banner });
    const { evidence } = await probe(server);
    expect(evidence.outcome).toBe('tls');
    expect(evidence.banner).toEqual([`${MX} ESMTP`, 'no UCE', 'ready']);
    expect(evidence.extensions).toEqual(['SIZE 10240000', 'PIPELINING', 'STARTTLS']);
    expect(evidence.starttls).toBe(true);
  });

  test('no STARTTLS offered: no-starttls, and the probe says QUIT', async () => {
    const server = await startFake({ ehlo: '250-mx\r\n250 SIZE 1000\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'no-starttls', starttls: false, extensions: ['SIZE 1000'] });
    expect(evidence.tls).toBeUndefined();
    expect(server.commands).toEqual(['EHLO probe.sendguard.test', 'QUIT']);
  });

  test('RFC 5321 §3.2: EHLO refused with 5xx, HELO follows', async () => {
    const server = await startFake({ ehlo: '502 EHLO not implemented\r\n', helo: '250 mx\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'no-starttls', extensions: [] });
    expect(server.commands).toEqual(['EHLO probe.sendguard.test', 'HELO probe.sendguard.test', 'QUIT']);
  });

  test('421 banner: tempfail (try later), not "no TLS"', async () => {
    const server = await startFake({ banner: '421 too busy, come back later\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({
      outcome: 'tempfail',
      error: { code: 'SMTP_TEMPFAIL', phase: 'banner' },
    });
  });

  test('554 banner: refused', async () => {
    const server = await startFake({ banner: '554 no SMTP service here\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'refused', error: { phase: 'banner' } });
  });

  test('a tarpit that never greets: timeout at the banner deadline', async () => {
    const server = await startFake({ banner: null });
    const { evidence } = await probe(server, { deadlines: { ...FAST, bannerMs: 150 } });
    expect(evidence).toMatchObject({ outcome: 'timeout', error: { code: 'SMTP_TIMEOUT', phase: 'banner' } });
    expect(evidence.timings.banner).toBeGreaterThanOrEqual(140);
    expect(evidence.error?.message).toContain('banner deadline');
  });

  test('the overall deadline cuts a phase deadline short', async () => {
    const server = await startFake({ banner: null });
    const { evidence } = await probe(server, { deadlines: { ...FAST, bannerMs: 5000, totalMs: 150 } });
    expect(evidence).toMatchObject({ outcome: 'timeout', error: { phase: 'banner' } });
    expect(evidence.error?.message).toContain('overall deadline');
  });

  test('a banner that is not SMTP: protocol-error', async () => {
    const server = await startFake({ banner: 'SSH-2.0-OpenSSH_9.6\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({
      outcome: 'protocol-error',
      error: { code: 'SMTP_NOT_SMTP', phase: 'banner' },
    });
  });

  test('a reply line over the cap: protocol-error without waiting for its end', async () => {
    const server = await startFake({ banner: `220-${'x'.repeat(5000)}` });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'protocol-error', error: { code: 'SMTP_LINE_TOO_LONG' } });
  });

  test('a reply of endless continuation lines: protocol-error', async () => {
    const server = await startFake({ banner: '220-more\r\n'.repeat(150) });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'protocol-error', error: { code: 'SMTP_TOO_MANY_LINES' } });
  });

  test('more than 64 KiB in all: protocol-error', async () => {
    // Each reply within its caps (99 lines of 510 octets), the two together over the connection's 64 KiB.
    const lines = (code: number) => `${code}-${'y'.repeat(504)}\r\n`.repeat(98) + `${code} y\r\n`;
    const server = await startFake({ banner: lines(220), ehlo: lines(250) });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'protocol-error', error: { code: 'SMTP_TOO_MUCH_DATA' } });
  });
});

describe('probeSmtp: STARTTLS and TLS', () => {
  test('the presented chain is each certificate the server sent, leaf first', async () => {
    const server = await startFake(modernTls({ ...pki.valid, cert: `${pki.valid.cert}${pki.ca}` }));
    const { evidence, chain } = await probe(server);
    expect(evidence.tls?.certificate?.trusted).toBe(true);
    expect(chain().map((cert) => cert.subject)).toEqual([`CN=${MX}`, 'CN=Sendguard Test CA']);
  });

  test('STARTTLS + TLS 1.3 with a valid certificate for the MX name', async () => {
    const server = await startFake(modernTls(pki.valid));
    const { evidence, chain } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'tls', starttls: true, legacyRetry: false });
    expect(evidence.tls).toMatchObject({
      version: 'TLSv1.3',
      cipher: expect.stringMatching(/^TLS_/),
      group: 'X25519',
      legacyOnly: false,
      extensions: ['SIZE 10240000', 'PIPELINING'],
      requireTls: false,
      certificate: {
        subject: `CN=${MX}`,
        sans: [MX, 'mx-alt.test.example'],
        issuer: 'CN=Sendguard Test CA',
        spkiSha256: pki.validSpkiSha256,
        trusted: true,
        nameMatches: true,
      },
    });
    expect(evidence.tls?.certificate?.trustError).toBeUndefined();
    expect(Date.parse(evidence.tls?.certificate?.notAfter ?? '')).toBeGreaterThan(Date.now());
    // What the server presented, its leaf alone: nothing is added from the local trust store (RFC 7672 §3.1.2:
    // a DANE-TA certificate must be presented to count).
    expect(chain().map((cert) => cert.subject)).toEqual([`CN=${MX}`]);
    expect(server.commands).toEqual([
      'EHLO probe.sendguard.test',
      'STARTTLS',
      'EHLO probe.sendguard.test',
      'QUIT',
    ]);
    for (const phase of ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'ehlo-tls', 'total'] as const) {
      expect(evidence.timings[phase]).toEqual(expect.any(Number));
    }
    expect(JSON.parse(JSON.stringify(evidence))).toEqual(evidence);
  });

  test('a certificate in BER rather than DER is recorded like any other, its key hashed all the same', async () => {
    const ber = withFiveOctetTbsLength(pki.valid.cert);
    const server = await startFake(modernTls({ ...pki.valid, cert: ber }));
    const { evidence, chain } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'tls', starttls: true });
    expect(evidence.tls?.certificate).toMatchObject({
      subject: `CN=${MX}`,
      spkiSha256: pki.validSpkiSha256,
      nameMatches: true,
    });
    // The server presented the BER itself: the TBSCertificate's length in five octets, after the outer header.
    expect(chain()[0]?.raw.subarray(4, 6)).toEqual(Buffer.from([0x30, 0x85]));
  });

  test('without the test CA among the roots the chain is untrusted, yet recorded', async () => {
    const server = await startFake(modernTls(pki.valid));
    const { evidence } = await probe(server, { ca: undefined });
    expect(evidence.outcome).toBe('tls');
    expect(evidence.tls?.certificate).toMatchObject({
      trusted: false,
      trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      nameMatches: true,
    });
  });

  test('RFC 6125 §6.4.4: a certificate naming the MX only in its CN does not match', async () => {
    const server = await startFake(modernTls(pki.cnOnly));
    const { evidence } = await probe(server);
    expect(evidence.tls?.certificate).toMatchObject({
      subject: `CN=${MX}`,
      sans: [],
      trusted: true,
      nameMatches: false,
    });
  });

  test('RFC 6125 §6.4.3: a wildcard as the whole left-most label matches the MX', async () => {
    const server = await startFake(modernTls(pki.wildcard));
    const { evidence } = await probe(server);
    expect(evidence.tls?.certificate).toMatchObject({
      sans: ['*.test.example'],
      trusted: true,
      nameMatches: true,
    });
  });

  test('an expired certificate: untrusted with its reason, name still matched', async () => {
    const server = await startFake(modernTls(pki.expired));
    const { evidence } = await probe(server);
    expect(evidence.outcome).toBe('tls');
    expect(evidence.tls?.certificate).toMatchObject({
      trusted: false,
      trustError: 'CERT_HAS_EXPIRED',
      nameMatches: true,
    });
  });

  test('RFC 8689: REQUIRETLS counts only when offered after STARTTLS', async () => {
    const afterTls = await startFake({ ...modernTls(pki.valid), ehloTls: '250-mx\r\n250 REQUIRETLS\r\n' });
    expect((await probe(afterTls)).evidence.tls?.requireTls).toBe(true);
    const beforeOnly = await startFake({
      ...modernTls(pki.valid),
      ehlo: '250-mx\r\n250-REQUIRETLS\r\n250 STARTTLS\r\n',
    });
    const { evidence } = await probe(beforeOnly);
    expect(evidence.extensions).toContain('REQUIRETLS');
    expect(evidence.tls?.requireTls).toBe(false);
  });

  test('CVE-2011-0411: bytes after the 220 to STARTTLS abort the probe as an injection', async () => {
    const server = await startFake({ ...modernTls(pki.valid), starttls: '220 go ahead\r\n250 injected\r\n' });
    const { evidence, chain } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'starttls-injection', error: { phase: 'starttls' } });
    expect(evidence.tls).toBeUndefined();
    expect(chain()).toEqual([]);
  });

  test('STARTTLS answered 454: tempfail', async () => {
    const server = await startFake({ ehlo: EHLO_PLAIN, starttls: '454 TLS not available right now\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'tempfail', starttls: true, error: { phase: 'starttls' } });
  });

  test('a server that closes mid-handshake: tls-failed, and no legacy retry', async () => {
    const server = await startFake({ ehlo: EHLO_PLAIN, tls: 'hang-up' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'tls-failed', legacyRetry: false, error: { phase: 'tls' } });
    expect(server.connections).toBe(1);
  });

  test('a handshake the server never answers: timeout at the TLS deadline', async () => {
    const server = await startFake({ ehlo: EHLO_PLAIN });
    const { evidence } = await probe(server, { deadlines: { ...FAST, tlsMs: 150 } });
    expect(evidence).toMatchObject({ outcome: 'timeout', legacyRetry: false, error: { phase: 'tls' } });
  });

  test('a TLS 1.0-only server: a second, legacy connection finds TLS below 1.2 (weak, not none)', async () => {
    const legacyOnly = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' } as const;
    const server = await startFake({ ...modernTls(pki.valid), tls: { ...pki.valid, ...legacyOnly } });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'tls', legacyRetry: true });
    expect(evidence.tls).toMatchObject({
      version: 'TLSv1',
      legacyOnly: true,
      certificate: { nameMatches: true },
    });
    expect(server.connections).toBe(2);
  });

  test('EHLO over TLS answered 421: tempfail, the TLS facts kept', async () => {
    const server = await startFake({ ...modernTls(pki.valid), ehloTls: '421 shutting down\r\n' });
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({
      outcome: 'tempfail',
      error: { phase: 'ehlo-tls' },
      tls: { version: 'TLSv1.3' },
    });
  });
});

/**
 * A child process's script: probeSmtp (TypeScript, compiled as jest compiles it) with $PROBE's target and options,
 * its signal aborted the moment the TLS handshake completes; prints how the probe ended.
 */
const ABORT_AT_SECURE_CONNECT = `
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
require.extensions['.ts'] = (module, file) => {
  const compiled = transformSync(readFileSync(file, 'utf8'), {
    filename: file,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(compiled.code, file);
};
const tls = require('node:tls');
const controller = new AbortController();
const connect = tls.connect;
tls.connect = (...args) => {
  const socket = connect(...args);
  socket.once('secureConnect', () => controller.abort(new Error('aborted at secureConnect')));
  return socket;
};
const { probeSmtp } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/server/transport/smtp-probe.ts'))});
const { target, options } = JSON.parse(process.env.PROBE);
probeSmtp(target, { ...options, signal: controller.signal }).then(
  (result) => console.log('resolved:', result.evidence.outcome),
  (error) => console.log('rejected:', error.message),
);
`;

describe('probeSmtp: where it connects, and when it stops', () => {
  test('a loopback address is refused without allowPrivateAddresses, before any connection', async () => {
    const server = await startFake(modernTls(pki.valid));
    const { evidence } = await probe(server, { allowPrivateAddresses: false });
    expect(evidence).toMatchObject({
      outcome: 'not-allowed',
      error: { code: 'ADDRESS_NOT_ALLOWED', phase: 'vet' },
    });
    expect(server.connections).toBe(0);
  });

  test('a target that is not an IP address is a bad argument', async () => {
    await expect(probeSmtp({ mxHostname: MX, address: MX }, options())).rejects.toMatchObject({
      code: 'ADDRESS_INVALID_IP',
    });
  });

  test('a HELO name that could carry a second command is a bad argument', async () => {
    const target = { mxHostname: MX, address: '127.0.0.1' };
    await expect(probeSmtp(target, options({ heloName: 'x\r\nRSET' }))).rejects.toMatchObject({
      code: 'SMTP_PROBE_BAD_ARGUMENT',
    });
  });

  test('the vetted address is the one dialled, on port 25 by default', async () => {
    const server = await startFake({ ehlo: '250 mx\r\n' });
    const dialled: unknown[] = [];
    const dial = (to: { host: string; port: number }) => {
      dialled.push(to);
      return net.connect({ host: '127.0.0.1', port: server.port });
    };
    const result = await probeSmtp(
      { mxHostname: MX, address: '8.8.8.8' },
      options({ allowPrivateAddresses: false, dial }),
    );
    expect(result.evidence).toMatchObject({ outcome: 'no-starttls', address: '8.8.8.8', port: 25 });
    expect(dialled).toEqual([{ host: '8.8.8.8', port: 25 }]);
    await withTimeout(server.allClosed(), 2000);
  });

  test('nobody listening: connect-failed', async () => {
    const server = await startFake({});
    await server.stop();
    const { evidence } = await probe(server);
    expect(evidence).toMatchObject({ outcome: 'connect-failed', error: { phase: 'connect' } });
  });

  test('an AbortSignal cancels a probe in progress: it rejects with the reason and closes the connection', async () => {
    const server = await startFake({ banner: null });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('sender gave up')), 50);
    const target = { mxHostname: MX, address: '127.0.0.1', port: server.port };
    const probing = traced(() => probeSmtp(target, options({ signal: controller.signal })));
    await expect(probing).rejects.toThrow('sender gave up');
    await withTimeout(server.allClosed(), 2000);
    expect(server.connections).toBe(1);
    await expectNoTimersLeft();
  });

  test('aborted as the handshake completes, while session tickets still arrive: the probe rejects, no crash', async () => {
    // Run in a child process: a crash in Node's TLS code would otherwise take the whole test run down with it.
    const server = await startFake(modernTls(pki.valid));
    const target = { mxHostname: MX, address: '127.0.0.1', port: server.port };
    const outcome = await new Promise<{ code: number | null; signal: string | null; stdout: string }>(
      (resolve) => {
        const env = { ...process.env, PROBE: JSON.stringify({ target, options: options() }) };
        const child = execFile(process.execPath, ['-e', ABORT_AT_SECURE_CONNECT], { env }, (_, stdout) =>
          resolve({ code: child.exitCode, signal: child.signalCode, stdout }),
        );
      },
    );
    expect(outcome).toEqual({ code: 0, signal: null, stdout: 'rejected: aborted at secureConnect\n' });
    await withTimeout(server.allClosed(), 2000);
  });

  test('an already aborted signal: no connection at all', async () => {
    const server = await startFake({});
    const target = { mxHostname: MX, address: '127.0.0.1', port: server.port };
    await expect(probeSmtp(target, options({ signal: AbortSignal.abort() }))).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(server.connections).toBe(0);
  });

  test('timings come from the injected clock', async () => {
    const server = await startFake({ ehlo: '250 mx\r\n' });
    const { evidence } = await probe(server, { clock: new ManualClock() });
    expect(evidence.timings).toEqual({ connect: 0, banner: 0, ehlo: 0, total: 0 });
  });
});
