import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TlsaRecord } from '../../../src/server/dns';
import { matchTlsa, usableTlsa } from '../../../src/server/transport/dane';
import { withFiveOctetTbsLength } from '../../helpers/openssl';

// Certificates made by the openssl command line, and TLSA data computed from openssl's own DER output, so the
// code under test is checked against an independent implementation of the selectors.
const CONFIG = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
subjectKeyIdentifier = none
authorityKeyIdentifier = none
[leaf]
basicConstraints = CA:FALSE
subjectKeyIdentifier = none
authorityKeyIdentifier = none
subjectAltName = DNS:mx.example.net, DNS:*.mail.example.org, DNS:f*.partial.example, DNS:*.com
[injected]
basicConstraints = CA:FALSE
subjectAltName = @injected_names
[injected_names]
DNS.1 = x, DNS:mx.example.net
`;

let dir: string;
const certs: Record<string, X509Certificate> = {};
const DAY = 24 * 60 * 60 * 1000;
// A minute ahead: the certificates, made in beforeAll, become valid at the second they are made.
const now = new Date(Date.now() + 60 * 1000);

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'ignore'] });
}

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function selfSigned(name: string, subject: string): void {
  openssl(
    ['req', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', subject].concat([
      '-days',
      '3650',
      '-config',
      'openssl.cnf',
      '-extensions',
      'ca',
    ]),
  );
}

function issued(name: string, subject: string, issuer: string, extensions: string, days: number): void {
  openssl(
    ['req', '-new', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject].concat([
      '-config',
      'openssl.cnf',
    ]),
  );
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`].concat([
      '-out',
      `${name}.pem`,
      '-days',
      String(days),
      '-extfile',
      'openssl.cnf',
      '-extensions',
      extensions,
    ]),
  );
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sendguard-dane-'));
  writeFileSync(path.join(dir, 'openssl.cnf'), CONFIG);
  selfSigned('root', '/CN=Sendguard Test Root');
  issued('intermediate', '/CN=Sendguard Test Intermediate', 'root', 'ca', 3650);
  issued('leaf', '/CN=mx.example.net', 'intermediate', 'leaf', 30);
  // Same issuer name as the real intermediate, another key: only the signature tells them apart.
  selfSigned('impostor', '/CN=Sendguard Test Intermediate');
  issued('forged', '/CN=mx.example.net', 'impostor', 'leaf', 30);
  // Signed with the leaf's key, although the leaf is no CA.
  issued('minted', '/CN=mx.example.net', 'leaf', 'leaf', 30);
  issued('injected', '/CN=injected', 'intermediate', 'injected', 30);
  for (const name of ['root', 'intermediate', 'leaf', 'impostor', 'forged', 'minted', 'injected']) {
    certs[name] = new X509Certificate(readFileSync(path.join(dir, `${name}.pem`)));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cert(name: string): X509Certificate {
  return certs[name] as X509Certificate;
}

/** A TLSA record for a certificate, from openssl's DER (selector 0) or SPKI DER (selector 1). */
function tlsa(usage: number, selector: number, matchingType: number, name: string): TlsaRecord {
  const pem = path.join(dir, `${name}.pem`);
  const selected =
    selector === 0
      ? openssl(['x509', '-in', pem, '-outform', 'DER'])
      : openssl(['pkey', '-pubin', '-outform', 'DER'], openssl(['x509', '-in', pem, '-noout', '-pubkey']));
  const digest = ['', 'sha256', 'sha512'][matchingType];
  const data = digest ? createHash(digest).update(selected).digest() : selected;
  return { usage, selector, matchingType, data };
}

const chain = () => [cert('leaf'), cert('intermediate'), cert('root')];
const mx = { mxHostname: 'mx.example.net', now };

describe('usableTlsa', () => {
  it('keeps DANE-TA (2) and DANE-EE (3) with selectors 0/1 and matching types 0/1/2', () => {
    const records = [
      tlsa(3, 1, 1, 'leaf'),
      tlsa(3, 0, 2, 'leaf'),
      tlsa(2, 0, 0, 'root'),
      tlsa(2, 1, 1, 'root'),
    ];
    expect(usableTlsa(records)).toEqual({ usable: records, dropped: [] });
  });

  it('RFC 7672 §3.1.3: drops PKIX-TA (0) and PKIX-EE (1), which SMTP does not use', () => {
    const records = [tlsa(0, 1, 1, 'root'), tlsa(1, 1, 1, 'leaf')];
    expect(usableTlsa(records)).toEqual({
      usable: [],
      dropped: records.map((record) => ({ record, reason: 'pkix-usage' })),
    });
  });

  it('RFC 6698 §2.1: drops unknown usages, selectors and matching types', () => {
    const data = Buffer.alloc(32);
    const { dropped } = usableTlsa([
      { usage: 4, selector: 1, matchingType: 1, data },
      { usage: 3, selector: 2, matchingType: 1, data },
      { usage: 3, selector: 1, matchingType: 3, data },
    ]);
    expect(dropped.map(({ reason }) => reason)).toEqual([
      'unknown-usage',
      'unknown-selector',
      'unknown-matching-type',
    ]);
  });

  it('drops a SHA-256 or SHA-512 record whose data has another length', () => {
    const { dropped } = usableTlsa([
      { usage: 3, selector: 1, matchingType: 1, data: Buffer.alloc(31) },
      { usage: 3, selector: 1, matchingType: 2, data: Buffer.alloc(32) },
    ]);
    expect(dropped.map(({ reason }) => reason)).toEqual(['bad-digest-length', 'bad-digest-length']);
  });
});

describe('matchTlsa: DANE-EE (RFC 7672 §3.1.1)', () => {
  it('3 1 1: matches the leaf by the SHA-256 of its SPKI', () => {
    const record = tlsa(3, 1, 1, 'leaf');
    expect(matchTlsa([record], chain(), mx)).toEqual({ matched: true, usage: 3, record });
  });

  it('3 0 2: matches the leaf by the SHA-512 of the full certificate', () => {
    const record = tlsa(3, 0, 2, 'leaf');
    expect(matchTlsa([record], chain(), mx)).toEqual({ matched: true, usage: 3, record });
  });

  it('3 0 0: matches the full certificate itself', () => {
    expect(matchTlsa([tlsa(3, 0, 0, 'leaf')], chain(), mx)).toMatchObject({ matched: true });
  });

  it('ignores names and validity dates', () => {
    const options = { mxHostname: 'unrelated.example', now: new Date(now.getTime() + 3650 * DAY) };
    expect(matchTlsa([tlsa(3, 1, 1, 'leaf')], chain(), options)).toMatchObject({ matched: true, usage: 3 });
  });

  it('looks at the leaf only: an EE record for the intermediate does not match', () => {
    expect(matchTlsa([tlsa(3, 1, 1, 'intermediate')], chain(), mx)).toEqual({
      matched: false,
      reason: 'no-match',
    });
  });

  it('RFC 6698 §2.1.3: a wrong digest does not match', () => {
    const record = tlsa(3, 1, 1, 'leaf');
    const wrong = { ...record, data: Buffer.from(record.data).fill(0, 0, 1) };
    expect(matchTlsa([wrong], chain(), mx)).toEqual({ matched: false, reason: 'no-match' });
  });
});

describe('matchTlsa: DANE-TA (RFC 7672 §3.1.2, §3.2)', () => {
  it('2 1 1: the root SPKI anchors leaf → intermediate → root', () => {
    const record = tlsa(2, 1, 1, 'root');
    expect(matchTlsa([record], chain(), mx)).toEqual({ matched: true, usage: 2, record });
  });

  it('2 0 1: the intermediate certificate anchors the leaf', () => {
    expect(matchTlsa([tlsa(2, 0, 1, 'intermediate')], chain(), mx)).toMatchObject({
      matched: true,
      usage: 2,
    });
  });

  it('2 1 1: an anchor presented in BER rather than DER is matched by its key all the same', () => {
    const pem = readFileSync(path.join(dir, 'intermediate.pem'), 'utf8');
    const ber = new X509Certificate(withFiveOctetTbsLength(pem));
    const record = tlsa(2, 1, 1, 'intermediate');
    expect(matchTlsa([record], [cert('leaf'), ber], mx)).toEqual({ matched: true, usage: 2, record });
  });

  it('RFC 8446 §4.4.2: a chain presented out of order still builds', () => {
    const unordered = [cert('leaf'), cert('root'), cert('intermediate')];
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], unordered, mx)).toMatchObject({ matched: true, usage: 2 });
  });

  it('RFC 7672 §3.1.2: the anchor must be in the presented chain', () => {
    const shortChain = [cert('leaf'), cert('intermediate')];
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], shortChain, mx)).toEqual({
      matched: false,
      reason: 'no-match',
    });
  });

  it('a TA record matching the leaf itself does not make it its own anchor', () => {
    expect(matchTlsa([tlsa(2, 1, 1, 'leaf')], chain(), mx)).toEqual({ matched: false, reason: 'no-match' });
  });

  it('RFC 7672 §3.2.3: the leaf must name the MX hostname', () => {
    const options = { mxHostname: 'other.example.net', now };
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], chain(), options)).toEqual({
      matched: false,
      reason: 'name-mismatch',
    });
  });

  it('RFC 7672 §3.2.3: or the TLSA base domain the MX hostname is a CNAME for', () => {
    const options = { mxHostname: 'mx.alias.example', tlsaBaseDomain: 'MX.Example.NET.', now };
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], chain(), options)).toMatchObject({ matched: true });
  });

  it.each([
    ['mx1.mail.example.org', true],
    ['MX1.Mail.Example.Org.', true],
    ['mail.example.org', false],
    ['a.mx1.mail.example.org', false],
    ['foo.partial.example', false],
    // RFC 6125 §7.2: `*.com` would vouch for a whole top-level domain, so it names no host at all.
    ['mx.com', false],
  ])(
    'RFC 7672 §3.2.3: wildcard only as the whole left-most label, one label deep: %s → %s',
    (mxHostname, ok) => {
      expect(matchTlsa([tlsa(2, 1, 1, 'root')], chain(), { mxHostname, now }).matched).toBe(ok);
    },
  );

  it('RFC 5280 §6.1.3: an expired leaf is rejected', () => {
    const options = { ...mx, now: new Date(now.getTime() + 60 * DAY) };
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], chain(), options)).toEqual({
      matched: false,
      reason: 'not-valid-now',
    });
  });

  it('RFC 5280 §6.1.3: a leaf not yet valid is rejected', () => {
    const options = { ...mx, now: new Date(now.getTime() - 2 * DAY) };
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], chain(), options)).toEqual({
      matched: false,
      reason: 'not-valid-now',
    });
  });

  it('attack: a leaf signed by another key under the intermediate’s name does not chain up', () => {
    const forged = [cert('forged'), cert('intermediate'), cert('root')];
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], forged, mx)).toEqual({
      matched: false,
      reason: 'not-issued-by-anchor',
    });
  });

  it('attack: RFC 5280 §4.2.1.9: a certificate without cA cannot issue, even when named as the anchor', () => {
    const minted = [cert('minted'), cert('leaf'), cert('intermediate'), cert('root')];
    expect(matchTlsa([tlsa(2, 1, 1, 'leaf')], minted, mx)).toEqual({
      matched: false,
      reason: 'not-issued-by-anchor',
    });
  });

  it('attack: a SAN value "x, DNS:mx.example.net" is one odd name, not two', () => {
    const injected = [cert('injected'), cert('intermediate'), cert('root')];
    expect(matchTlsa([tlsa(2, 1, 1, 'root')], injected, mx)).toEqual({
      matched: false,
      reason: 'name-mismatch',
    });
  });
});

describe('matchTlsa: outcomes', () => {
  it('reports the failure that got furthest', () => {
    const records = [tlsa(3, 1, 1, 'root'), tlsa(2, 1, 1, 'root')];
    const options = { mxHostname: 'other.example.net', now };
    expect(matchTlsa(records, chain(), options)).toEqual({ matched: false, reason: 'name-mismatch' });
  });

  it('any matching record is enough', () => {
    const records = [tlsa(3, 1, 1, 'intermediate'), tlsa(1, 1, 1, 'leaf'), tlsa(3, 1, 1, 'leaf')];
    expect(matchTlsa(records, chain(), mx)).toMatchObject({ matched: true, record: records[2] });
  });

  it('RFC 7672 §3.1.3: a set of PKIX-only records has nothing usable', () => {
    expect(matchTlsa([tlsa(1, 1, 1, 'leaf')], chain(), mx)).toEqual({
      matched: false,
      reason: 'no-usable-records',
    });
    expect(matchTlsa([], chain(), mx)).toEqual({ matched: false, reason: 'no-usable-records' });
  });

  it('no certificate presented', () => {
    expect(matchTlsa([tlsa(3, 1, 1, 'leaf')], [], mx)).toEqual({ matched: false, reason: 'no-certificate' });
  });
});
