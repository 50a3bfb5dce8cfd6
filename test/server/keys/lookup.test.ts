/**
 * lookupKey and CachingKeyService against real peers in-process: an HTTPS server on 127.0.0.1 (certificates from a
 * throwaway openssl CA) serving a WKD tree laid out by GnuPG's gpg-wks-client for the advanced and the direct
 * method and a VKS, and the colleague's scriptable DNS server answering OPENPGPKEY with and without AD. Host
 * names reach 127.0.0.1 only through the injected resolver; the port through the WKD test seam and the VKS URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDnsClient } from '../../../src/server/dns';
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { lookupKey, type KeyLookupDeps, type KeyLookupOptions } from '../../../src/server/keys/lookup';
import { openpgp } from '../../../src/server/keys/openpgp';
import { openpgpkeyName } from '../../../src/server/keys/openpgpkey-dns';
import { DirectoryKeyring } from '../../../src/server/keys/org-keyring';
import { MemoryPinStore, openMemoryStore } from '../../../src/server/store/memory';
import { ManualClock } from '../../helpers/clock';
import { wkdHash } from '../../../src/server/keys/wkd';
import { respond, startTestDnsServer, type TestDnsServer } from '../dns/test-dns-server';
import { fingerprintOf, fixture, FIXTURE_DIR, NOW } from './fixtures';

const WKS_CLIENT = '/usr/lib/gnupg/gpg-wks-client';
const HOSTS = ['openpgpkey.example.org', 'example.org', 'vks.test'];

let dir: string;
let wkdTree: string;
let ca: Buffer;
let port: number;
let server: https.Server;
let dns: TestDnsServer;
/** Every request the HTTPS server saw, as host + path. */
let seen: string[];
/** Per-test behaviour of the peers. */
let hosts: Set<string>;
let failingHosts: Set<string>;
let advanced404: boolean;
let wkdOverrides: Map<string, Buffer>;
let vksByEmail: Map<string, Buffer>;
let vksByFingerprint: Map<string, Buffer>;
let dnsRecords: Map<string, { data: Buffer; ad: boolean }>;
let pins: MemoryPinStore;

function sh(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd: dir, stdio: 'pipe', env }).toString();
}

function makeCertificate(): { key: Buffer; cert: Buffer } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  sh('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Test CA',
  ]);
  sh('openssl', ['req', '-new', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=keys.test']);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${HOSTS.map((host) => `DNS:${host}`).join(',')}\n`);
  sh(
    'openssl',
    ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      'leaf.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]),
  );
  ca = readFileSync(join(dir, 'ca.pem'));
  return { key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.pem')) };
}

/** The tree GnuPG itself lays out: <dir>/example.org/hu/<hash>. */
function installWkd(file: string, userId: string): void {
  const env = { ...process.env, GNUPGHOME: join(dir, 'gnupg') };
  sh(WKS_CLIENT, ['--install-key', '-C', wkdTree, join(FIXTURE_DIR, file), userId], env);
}

function wkdBody(hash: string): Buffer | undefined {
  const override = wkdOverrides.get(hash);
  if (override !== undefined) return override;
  try {
    return readFileSync(join(wkdTree, 'example.org', 'hu', hash));
  } catch {
    return undefined;
  }
}

function route(host: string, path: string): Buffer | undefined {
  const advanced = /^\/\.well-known\/openpgpkey\/example\.org\/hu\/([a-z0-9]{32})\?l=/.exec(path);
  const direct = /^\/\.well-known\/openpgpkey\/hu\/([a-z0-9]{32})\?l=/.exec(path);
  if (host === 'openpgpkey.example.org' && advanced) return advanced404 ? undefined : wkdBody(advanced[1]!);
  if (host === 'example.org' && direct) return wkdBody(direct[1]!);
  const email = /^\/vks\/v1\/by-email\/(.+)$/.exec(path);
  if (host === 'vks.test' && email) return vksByEmail.get(decodeURIComponent(email[1]!));
  const fingerprint = /^\/vks\/v1\/by-fingerprint\/([0-9A-F]+)$/.exec(path);
  if (host === 'vks.test' && fingerprint) return vksByFingerprint.get(fingerprint[1]!);
  return undefined;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-keys-'));
  wkdTree = join(dir, 'wkd');
  mkdirSync(join(dir, 'gnupg'), { mode: 0o700 });
  mkdirSync(join(wkdTree, 'example.org'), { recursive: true });
  installWkd('gpg-ed25519.asc', 'bob@example.org');
  installWkd('gpg-mixed-case.asc', 'Joe.Doe@Example.ORG');
  installWkd('gpg-rsa3072.asc', 'alice@example.org');
  server = https.createServer(makeCertificate(), (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    seen.push(`${host}${request.url}`);
    const body = route(host, request.url ?? '');
    response.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'application/octet-stream' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  dns = await startTestDnsServer();
  dns.handler = (query) => {
    const [question] = query.questions ?? [];
    const record = question === undefined ? undefined : dnsRecords.get(question.name);
    if (question === undefined || record === undefined)
      return [{ message: respond(query, { rcode: 'NXDOMAIN' }) }];
    const answer = { type: 'UNKNOWN_61', name: question.name, ttl: 300, data: record.data } as never;
    return [{ message: respond(query, { ad: record.ad, answers: [answer] }) }];
  };
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dns.close();
  try {
    execFileSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: join(dir, 'gnupg') } });
  } catch {
    // No agent was started.
  }
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  hosts = new Set(HOSTS);
  failingHosts = new Set();
  advanced404 = false;
  wkdOverrides = new Map();
  vksByEmail = new Map();
  vksByFingerprint = new Map();
  dnsRecords = new Map();
  pins = new MemoryPinStore();
});

function deps(extra: Partial<KeyLookupDeps> = {}): KeyLookupDeps {
  return {
    network: {
      resolveAddresses: async (host) => {
        if (failingHosts.has(host)) throw new Error(`SERVFAIL for ${host}`);
        return hosts.has(host) ? ['127.0.0.1'] : [];
      },
      allowPrivateAddresses: true,
      ca,
    },
    dns: createDnsClient({ servers: [dns.address], trustAd: true, timeoutMs: 500, retries: 0 }),
    pins,
    wkdPort: port,
    clock: new ManualClock(NOW.getTime()),
    ...extra,
  };
}

/** A pin as an admin or a sender would have left it. */
const pin = (address: string, fingerprint: string, acceptedBy: string) =>
  pins.put({ address, fingerprint, firstSeen: NOW.toISOString(), acceptedBy });

const OPTIONS: KeyLookupOptions = { minRsaBits: 2048, allowLegacyAlgorithms: false };
const options = (): KeyLookupOptions => ({ ...OPTIONS, vksBaseUrl: `https://vks.test:${port}` });
/** The service's options: a fresh verdict cache each time, as a fresh store would give. */
const serviceOptions = () => ({ ...options(), cache: openMemoryStore().keyVerdicts });
const lookup = (address: string, extra: Partial<KeyLookupDeps> = {}) =>
  lookupKey(address, deps(extra), options());

const BOB = fingerprintOf('gpg-ed25519.asc');
const BOB_NEW = fingerprintOf('gpg-ed25519-new.asc');

async function binary(file: string): Promise<Buffer> {
  return Buffer.from((await openpgp.readKey({ armoredKey: fixture(file).toString() })).write());
}

describe('WKD hash (draft-koch-openpgp-webkey-service §3.1)', () => {
  test('the published vector: Joe.Doe@Example.ORG → iy9q119eutrkn8s1mk4r39qejnbu3n5q', () => {
    expect(wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  });

  test("our hash names the files GnuPG's gpg-wks-client laid out", () => {
    for (const local of ['bob', 'Joe.Doe', 'alice']) {
      expect(readFileSync(join(wkdTree, 'example.org', 'hu', wkdHash(local))).length).toBeGreaterThan(0);
    }
    const printed = sh(WKS_CLIENT, ['--print-wkd-hash', 'Joe.Doe@Example.ORG']).split(' ')[0];
    expect(printed).toBe(wkdHash('Joe.Doe'));
  });

  test('only ASCII letters are lower-cased', () => {
    expect(wkdHash('ÄBC')).not.toBe(wkdHash('äbc'));
    expect(wkdHash('ÄBC')).toBe(wkdHash('Äbc'));
  });
});

describe('WKD over HTTPS', () => {
  test('§3.1 advanced method: openpgpkey.<domain> with the domain in the path and ?l=', async () => {
    const result = await lookup('bob@example.org');
    expect(result).toMatchObject({
      verdict: 'valid',
      source: 'wkd',
      fingerprint: BOB,
      algorithm: 'Ed25519 / Cv25519',
    });
    expect(seen).toEqual([
      `openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/${wkdHash('bob')}?l=bob`,
    ]);
    expect(result.reasons[0]).toContain('advanced method');
  });

  test('a mixed-case local part finds the key GnuPG published for it', async () => {
    const result = await lookup('Joe.Doe@Example.ORG');
    expect(result).toMatchObject({
      verdict: 'valid',
      source: 'wkd',
      fingerprint: fingerprintOf('gpg-mixed-case.asc'),
    });
    expect(seen[0]).toContain('?l=Joe.Doe');
  });

  test('§3.1 direct method, only because openpgpkey.<domain> does not exist', async () => {
    hosts.delete('openpgpkey.example.org');
    const result = await lookup('alice@example.org');
    expect(result).toMatchObject({
      verdict: 'valid',
      source: 'wkd',
      fingerprint: fingerprintOf('gpg-rsa3072.asc'),
    });
    expect(seen).toEqual([`example.org/.well-known/openpgpkey/hu/${wkdHash('alice')}?l=alice`]);
  });

  test('a 404 from an existing openpgpkey host is its answer: no fallback to the direct method', async () => {
    advanced404 = true;
    const result = await lookup('bob@example.org');
    expect(result.verdict).toBe('none');
    expect(seen.some((request) => request.startsWith('example.org/'))).toBe(false);
  });

  test('a resolver failure for the openpgpkey host is unknown, not a fallback and not none', async () => {
    failingHosts.add('openpgpkey.example.org');
    const result = await lookup('bob@example.org');
    expect(result.verdict).toBe('unknown');
    expect(seen.some((request) => request.startsWith('example.org/'))).toBe(false);
    expect(result.reasons.join('\n')).toMatch(
      /the WKD lookup failed: resolving openpgpkey\.example\.org failed/,
    );
  });

  test('concatenated keys: all are read, the one with a user ID for the address is used', async () => {
    wkdOverrides.set(
      wkdHash('bob'),
      Buffer.concat([await binary('gpg-wrong-uid.asc'), await binary('gpg-ed25519.asc')]),
    );
    expect(await lookup('bob@example.org')).toMatchObject({ verdict: 'valid', fingerprint: BOB });
  });

  test('concatenated armored keys, none for the address: invalid, each key named', async () => {
    wkdOverrides.set(
      wkdHash('bob'),
      Buffer.concat([fixture('gpg-wrong-uid.asc'), fixture('gpg-sign-only.asc')]),
    );
    const result = await lookup('bob@example.org');
    expect(result).toMatchObject({ verdict: 'invalid', source: 'wkd' });
    expect(result.reasons.join('\n')).toContain(
      `key ${fingerprintOf('gpg-wrong-uid.asc')}: the key has no user ID`,
    );
  });

  test('a junk body is invalid with the reason, not a crash', async () => {
    wkdOverrides.set(wkdHash('bob'), Buffer.from('<html>Welcome to nginx!</html>'));
    const result = await lookup('bob@example.org');
    expect(result.verdict).toBe('invalid');
    expect(result.reasons[0]).toMatch(/unusable: the data is not a readable OpenPGP key/);
  });

  test("a body over 256 KiB (GnuPG's bound) is the directory's answer: invalid, with the bound named", async () => {
    wkdOverrides.set(wkdHash('bob'), Buffer.alloc(256 * 1024 + 1, 0x41));
    const result = await lookup('bob@example.org');
    expect(result).toMatchObject({ verdict: 'invalid', source: 'wkd' });
    expect(result.reasons[0]).toContain('larger than 256 KiB');
  });

  test('an oversize WKD answer is cached like any refusal, not retried like a failure', async () => {
    wkdOverrides.set(wkdHash('bob'), Buffer.alloc(256 * 1024 + 1, 0x41));
    const clock = new ManualClock(NOW.getTime());
    const service = new CachingKeyService(deps({ clock }), {
      ...serviceOptions(),
      negativeTtlMs: 60_000,
      unknownTtlMs: 1_000,
    });
    const signal = new AbortController().signal;
    expect((await service.lookup('bob@example.org', { signal })).verdict).toBe('invalid');
    const asked = seen.length;
    clock.advance(30_000); // past the lifetime of an `unknown`, within that of a refusal
    expect((await service.lookup('bob@example.org', { signal })).verdict).toBe('invalid');
    expect(seen).toHaveLength(asked);
  });
});

describe('DNS OPENPGPKEY (RFC 7929)', () => {
  test('§3: the owner name of the RFC example', () => {
    expect(openpgpkeyName('hugh', 'example.com')).toBe(
      'c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey.example.com',
    );
  });

  test('§3: no case folding of the local part', () => {
    expect(openpgpkeyName('Hugh', 'example.com')).not.toBe(openpgpkeyName('hugh', 'example.com'));
  });

  test('a record in a signed zone (AD) is used', async () => {
    dnsRecords.set(openpgpkeyName('sam', 'example.org'), { data: await binary('sq-cv25519.asc'), ad: true });
    const result = await lookup('sam@example.org');
    expect(result).toMatchObject({
      verdict: 'valid',
      source: 'dns',
      fingerprint: fingerprintOf('sq-cv25519.asc'),
    });
  });

  test('a record without AD is ignored, with the reason', async () => {
    dnsRecords.set(openpgpkeyName('sam', 'example.org'), { data: await binary('sq-cv25519.asc'), ad: false });
    const result = await lookup('sam@example.org');
    expect(result.verdict).toBe('none');
    expect(result.reasons.join('\n')).toContain('was ignored: the answer is not DNSSEC-validated');
  });

  test('WKD outranks DNS when both hold a valid key', async () => {
    dnsRecords.set(openpgpkeyName('bob', 'example.org'), {
      data: await binary('gpg-ed25519-new.asc'),
      ad: true,
    });
    expect(await lookup('bob@example.org')).toMatchObject({ source: 'wkd', fingerprint: BOB });
  });
});

describe('VKS', () => {
  test('by-email: a verified key is valid, and the VKS is asked only when WKD and DNS have no valid key', async () => {
    vksByEmail.set('rita@example.org', fixture('sq-rsa3k.asc'));
    const result = await lookup('rita@example.org');
    expect(result).toMatchObject({
      verdict: 'valid',
      source: 'vks',
      fingerprint: fingerprintOf('sq-rsa3k.asc'),
    });
    expect(seen).toContain('vks.test/vks/v1/by-email/rita%40example.org');
    seen = [];
    await lookup('bob@example.org');
    expect(seen.some((request) => request.startsWith('vks.test'))).toBe(false);
  });

  test('a key whose user IDs the VKS stripped is invalid: no user ID for the address', async () => {
    const key = await openpgp.readKey({ armoredKey: fixture('sq-rsa3k.asc').toString() });
    const stripped = new openpgp.PacketList();
    stripped.push(
      key.keyPacket,
      ...key.subkeys.flatMap((subkey) => [subkey.keyPacket, ...subkey.bindingSignatures]),
    );
    vksByEmail.set('rita@example.org', Buffer.from(stripped.write()));
    const result = await lookup('rita@example.org');
    expect(result).toMatchObject({ verdict: 'invalid', source: 'vks' });
    expect(result.reasons.join('\n')).toContain('the key has no user ID for rita@example.org');
  });

  test('a lower source answers when a higher one failed; the failure is reported', async () => {
    failingHosts.add('openpgpkey.example.org');
    vksByEmail.set('rita@example.org', fixture('sq-rsa3k.asc'));
    const result = await lookup('rita@example.org');
    expect(result).toMatchObject({ verdict: 'valid', source: 'vks' });
    expect(result.reasons.join('\n')).toContain('the WKD lookup failed');
  });

  test("a body over 256 KiB is the key server's answer, as for WKD: invalid, with the bound named", async () => {
    vksByEmail.set('rita@example.org', Buffer.alloc(256 * 1024 + 1, 0x41));
    const result = await lookup('rita@example.org');
    expect(result).toMatchObject({ verdict: 'invalid', source: 'vks' });
    expect(result.reasons[0]).toBe(
      `the key published on the key server at https://vks.test:${port}/vks/v1/by-email/rita%40example.org ` +
        'is larger than 256 KiB, the most a key directory may serve, so no client can use it',
    );
  });

  test('an unreachable VKS with nothing found elsewhere is unknown', async () => {
    failingHosts.add('vks.test');
    expect((await lookup('nobody@example.org')).verdict).toBe('unknown');
  });
});

describe('the organisation keyring', () => {
  test('outranks WKD and pins, and is re-read when a file changes', async () => {
    const keyring = join(dir, 'org');
    mkdirSync(keyring, { recursive: true });
    writeFileSync(join(keyring, 'bob.asc'), fixture('gpg-ed25519-new.asc'));
    writeFileSync(join(keyring, 'broken.asc'), 'not a key');
    const clock = new ManualClock();
    const orgKeyring = new DirectoryKeyring(keyring, { recheckMs: 1000, clock });
    await pin('bob@example.org', BOB, 'first-use');
    expect(await lookup('Bob@Example.org', { orgKeyring })).toMatchObject({
      source: 'org',
      fingerprint: BOB_NEW,
    });
    expect(await orgKeyring.problems()).toEqual([
      { file: 'broken.asc', reason: expect.stringContaining('not a readable OpenPGP key') },
    ]);
    rmSync(join(keyring, 'bob.asc'));
    writeFileSync(join(keyring, 'alice.asc'), fixture('gpg-rsa3072.asc'));
    expect((await lookup('bob@example.org', { orgKeyring })).source).toBe('org');
    clock.advance(1000);
    expect((await lookup('bob@example.org', { orgKeyring })).source).not.toBe('org');
    expect(await lookup('alice@example.org', { orgKeyring })).toMatchObject({
      source: 'org',
      verdict: 'valid',
    });
  });

  test('an invalid org key lets lower sources answer, and is the verdict when they find nothing', async () => {
    const keyring = join(dir, 'org-expired');
    mkdirSync(keyring, { recursive: true });
    writeFileSync(join(keyring, 'erin.asc'), fixture('gpg-expired.asc'));
    const result = await lookup('erin@example.org', { orgKeyring: new DirectoryKeyring(keyring) });
    expect(result).toMatchObject({
      verdict: 'invalid',
      source: 'org',
      reasons: expect.arrayContaining(['the key expired on 2021-01-01']),
    });
  });
});

describe('pins (trust on first use)', () => {
  test('first use pins; a different key is changed with both fingerprints; accepting it clears that', async () => {
    const service = new CachingKeyService(deps(), serviceOptions());
    const signal = new AbortController().signal;
    expect(await service.lookup('bob@example.org', { signal })).toMatchObject({
      verdict: 'valid',
      source: 'wkd',
    });
    expect(await pins.get('bob@example.org')).toMatchObject({ fingerprint: BOB, acceptedBy: 'first-use' });
    wkdOverrides.set(wkdHash('bob'), await binary('gpg-ed25519-new.asc'));
    const fresh = new CachingKeyService(deps(), serviceOptions());
    const changed = await fresh.lookup('bob@example.org', { signal });
    expect(changed).toMatchObject({
      verdict: 'changed',
      fingerprint: BOB_NEW,
      pinnedFingerprint: BOB,
      source: 'wkd',
    });
    expect(changed.reasons[0]).toContain('the sender must confirm');
    expect(await fresh.accept('bob@example.org', BOB, 'sender', { signal })).toMatchObject({
      accepted: false,
      found: { verdict: 'changed', fingerprint: BOB_NEW },
    });
    expect(await fresh.accept('bob@example.org', BOB_NEW, 'sender', { signal })).toMatchObject({
      accepted: true,
      key: { verdict: 'valid', source: 'pinned', fingerprint: BOB_NEW },
    });
    expect(await pins.get('bob@example.org')).toMatchObject({ fingerprint: BOB_NEW, acceptedBy: 'sender' });
    expect(await fresh.lookup('bob@example.org', { signal })).toMatchObject({
      verdict: 'valid',
      source: 'pinned',
      fingerprint: BOB_NEW,
    });
  });

  test('a pinned key still valid at the VKS outranks a different WKD key', async () => {
    await pin('bob@example.org', BOB_NEW, 'admin');
    vksByFingerprint.set(BOB_NEW, fixture('gpg-ed25519-new.asc'));
    const result = await lookup('bob@example.org');
    expect(result).toMatchObject({ verdict: 'valid', source: 'pinned', fingerprint: BOB_NEW });
    expect(seen).toContain(`vks.test/vks/v1/by-fingerprint/${BOB_NEW}`);
  });
});

describe('CachingKeyService', () => {
  test('concurrent lookups share one; a second one is served from the cache', async () => {
    const service = new CachingKeyService(deps(), serviceOptions());
    const signal = new AbortController().signal;
    const [a, b] = await Promise.all([
      service.lookup('bob@example.org', { signal }),
      service.lookup('BOB@example.org', { signal }),
    ]);
    expect(a).toEqual(b);
    expect(seen).toHaveLength(1);
    await service.lookup('bob@example.org', { signal });
    expect(seen).toHaveLength(1);
  });

  test('negative answers expire after the short lifetime; unknown after a shorter one still', async () => {
    const clock = new ManualClock(NOW.getTime());
    const service = new CachingKeyService(deps({ clock }), {
      ...serviceOptions(),
      negativeTtlMs: 60_000,
    });
    const signal = new AbortController().signal;
    expect((await service.lookup('nobody@example.org', { signal })).verdict).toBe('none');
    const asked = seen.length;
    await service.lookup('nobody@example.org', { signal });
    expect(seen).toHaveLength(asked);
    clock.advance(60_001);
    await service.lookup('nobody@example.org', { signal });
    expect(seen.length).toBeGreaterThan(asked);
    failingHosts.add('vks.test');
    const before = seen.length;
    clock.advance(60_001);
    expect((await service.lookup('nobody@example.org', { signal })).verdict).toBe('unknown');
    expect((await service.lookup('nobody@example.org', { signal })).verdict).toBe('unknown');
    // One WKD request for both: a burst of sends to a failing directory costs one lookup.
    expect(seen.length).toBe(before + 1);
    clock.advance(30_001);
    expect((await service.lookup('nobody@example.org', { signal })).verdict).toBe('unknown');
    expect(seen.length).toBe(before + 2);
  });

  test('a caller that gives up gets unknown at once', async () => {
    const service = new CachingKeyService(deps(), serviceOptions());
    const controller = new AbortController();
    controller.abort();
    expect(await service.lookup('bob@example.org', { signal: controller.signal })).toMatchObject({
      verdict: 'unknown',
    });
  });
});
