/**
 * The SubjectPublicKeyInfo read from a certificate's DER against the one OpenSSL exports from its parsed key, for
 * certificates made by the openssl CLI with each common key type, v1 (no version field) and v3; and what the
 * reader does with DER it cannot read.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateSpki, subjectPublicKeyInfo } from '../../../src/server/transport/spki';
import { opensslIn, withFiveOctetTbsLength } from '../../helpers/openssl';

let dir: string;
let openssl: ReturnType<typeof opensslIn>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-spki-'));
  openssl = opensslIn(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate for `keyArgs` (openssl req -newkey …): v3, or v1 when `v1` is set. */
function certificate(name: string, keyArgs: string, v1 = false): X509Certificate {
  const request = `-newkey ${keyArgs} -nodes -subj /CN=${name}.example -keyout ${name}.key`;
  if (v1) {
    // `x509 -req` without extensions writes a version 1 certificate: no [0] version field.
    openssl(`req -new ${request} -out ${name}.csr`);
    openssl(`x509 -req -in ${name}.csr -key ${name}.key -days 1 -out ${name}.crt`);
  } else {
    openssl(`req -x509 ${request} -days 1 -out ${name}.crt`);
  }
  return new X509Certificate(readFileSync(join(dir, `${name}.crt`)));
}

const exported = (cert: X509Certificate) => cert.publicKey.export({ type: 'spki', format: 'der' });

describe('subjectPublicKeyInfo', () => {
  it.each([
    ['RSA 2048', 'rsa:2048'],
    ['EC P-256', 'ec -pkeyopt ec_paramgen_curve:P-256'],
    ['EC P-384', 'ec -pkeyopt ec_paramgen_curve:P-384'],
    ['Ed25519', 'ed25519'],
  ])('RFC 5280 §4.1: the %s key of a v3 certificate, as OpenSSL exports it', (name, keyArgs) => {
    const cert = certificate(name.replace(/\W/g, ''), keyArgs);
    expect(subjectPublicKeyInfo(cert.raw).equals(exported(cert))).toBe(true);
  });

  it('RFC 5280 §4.1.2.1: a v1 certificate, which has no version field', () => {
    const cert = certificate('v1', 'ec -pkeyopt ec_paramgen_curve:P-256', true);
    expect(openssl('x509 -in v1.crt -noout -text').toString()).toMatch(/Version: 1 \(0x0\)/);
    expect(subjectPublicKeyInfo(cert.raw).equals(exported(cert))).toBe(true);
  });

  it('every truncation of a certificate is CERT_DER_UNREADABLE, never a read past the end', () => {
    const { raw } = certificate('cut', 'ec -pkeyopt ec_paramgen_curve:P-256');
    for (let length = 0; length < raw.length; length++) {
      expect(() => subjectPublicKeyInfo(raw.subarray(0, length))).toThrow(
        expect.objectContaining({ code: 'CERT_DER_UNREADABLE' }),
      );
    }
  });

  it('lengths that do not fit, indefinite lengths and other structures are CERT_DER_UNREADABLE', () => {
    const unreadable = expect.objectContaining({ code: 'CERT_DER_UNREADABLE' });
    expect(() => subjectPublicKeyInfo(Buffer.from([0x30, 0x80, 0x00, 0x00]))).toThrow(unreadable);
    expect(() => subjectPublicKeyInfo(Buffer.from([0x30, 0x85, 1, 1, 1, 1, 1]))).toThrow(unreadable);
    expect(() => subjectPublicKeyInfo(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(unreadable);
    expect(() => subjectPublicKeyInfo(Buffer.from([0x04, 0x02, 0x30, 0x00]))).toThrow(unreadable);
  });
});

describe('certificateSpki', () => {
  it('a DER certificate: the SubjectPublicKeyInfo as it stands in the certificate', () => {
    const cert = certificate('der', 'ec -pkeyopt ec_paramgen_curve:P-256');
    const spki = certificateSpki(cert);
    expect(spki.equals(exported(cert))).toBe(true);
    expect(spki.buffer).toBe(cert.raw.buffer);
  });

  it('a certificate in BER, which Node parses and the DER walk cannot read: the key as OpenSSL exports it', () => {
    certificate('ber', 'ec -pkeyopt ec_paramgen_curve:P-256');
    const cert = new X509Certificate(withFiveOctetTbsLength(readFileSync(join(dir, 'ber.crt'), 'utf8')));
    expect(() => subjectPublicKeyInfo(cert.raw)).toThrow(
      expect.objectContaining({ code: 'CERT_DER_UNREADABLE' }),
    );
    expect(certificateSpki(cert).equals(exported(cert))).toBe(true);
  });
});
