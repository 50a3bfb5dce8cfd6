/**
 * The openssl command line for tests that make their own keys and certificates, and a certificate re-encoded in
 * BER that OpenSSL (and so Node) still parses: what a careless or hostile server may present.
 */
import { execFileSync } from 'node:child_process';

/** Runs openssl in `dir`: `command` is split at spaces (no argument in it may hold one), `more` is added whole. */
export function opensslIn(dir: string): (command: string, ...more: string[]) => Buffer {
  return (command, ...more) =>
    execFileSync('openssl', [...command.split(' '), ...more], { cwd: dir, stdio: 'pipe' });
}

/** A DER length: short form below 128, else the fewest octets. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** The header of the element at `at`: where its content starts and how long it is (definite lengths only). */
function header(der: Buffer, at: number): { contentStart: number; length: number } {
  const first = der[at + 1] as number;
  if (!(first & 0x80)) return { contentStart: at + 2, length: first };
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (der[at + 2 + i] as number);
  return { contentStart: at + 2 + octets, length };
}

/**
 * The PEM certificate with its TBSCertificate's length written in five octets (a leading zero first): valid BER,
 * not DER. OpenSSL keeps the TBSCertificate's encoding as it was read, so a server sends it that way too.
 */
export function withFiveOctetTbsLength(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const certificate = header(der, 0);
  const tbs = header(der, certificate.contentStart);
  const tbsLength = Buffer.alloc(5);
  tbsLength.writeUInt32BE(tbs.length, 1);
  const content = Buffer.concat([
    Buffer.from([0x30, 0x85]),
    tbsLength,
    der.subarray(tbs.contentStart, certificate.contentStart + certificate.length),
  ]);
  const ber = Buffer.concat([Buffer.from([0x30]), derLength(content.length), content]);
  const lines = ber.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
