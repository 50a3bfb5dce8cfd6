/**
 * Real OpenPGP peers for the tests: keys made by GnuPG and by Sequoia in a throwaway home, and decryption of what
 * the add-in produced by each tool, exactly as a recipient's client would do it.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchGnupgHome } from '../helpers/scratch';

export interface PeerKey {
  /** Armored public key, as the backend would hand it out. */
  publicKey: string;
  /** File holding the armored secret key (no passphrase). */
  secretFile: string;
  fingerprint: string;
}

/** A GnuPG home (Sequoia's files go there too), removed with its agent when the test file ends. */
export function peerHome(): string {
  return scratchGnupgHome('pgp');
}

const gpg = (home: string, args: string[], input?: Buffer | string) =>
  execFileSync(
    'gpg',
    ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input !== undefined ? { input } : {}),
    },
  );

/** GnuPG's modern default (Ed25519 + Cv25519) or RSA 3072 with an encryption subkey. */
export function gpgKey(
  home: string,
  uid: string,
  algo: 'future-default' | 'rsa3072' = 'future-default',
): PeerKey {
  gpg(home, ['--quick-gen-key', uid, algo, algo === 'rsa3072' ? 'sign' : 'default', 'never']);
  const fingerprint = gpg(home, ['--with-colons', '--list-keys', uid])
    .toString()
    .split('\n')
    .find((line) => line.startsWith('fpr:'))!
    .split(':')[9]!;
  if (algo === 'rsa3072') gpg(home, ['--quick-add-key', fingerprint, 'rsa3072', 'encr', 'never']);
  const secretFile = join(home, `${fingerprint}.sec.asc`);
  writeFileSync(secretFile, gpg(home, ['--armor', '--export-secret-keys', fingerprint]));
  return { publicKey: gpg(home, ['--armor', '--export', fingerprint]).toString(), secretFile, fingerprint };
}

/** A key made by Sequoia with its default cipher suite. */
export function sqKey(home: string, email: string): PeerKey {
  const secretFile = join(home, `${email}.sq.asc`);
  execFileSync('sq', ['key', 'generate', '--userid', `<${email}>`, '--export', secretFile], {
    stdio: 'pipe',
  });
  const publicKey = execFileSync('sq', ['key', 'extract-cert', secretFile], { stdio: 'pipe' }).toString();
  const fingerprint =
    /Fingerprint: ([0-9A-F]+)/.exec(execFileSync('sq', ['inspect', secretFile]).toString())?.[1] ?? '';
  return { publicKey, secretFile, fingerprint };
}

/** GnuPG decrypts with the secret keys imported into a fresh home of its own. */
export function gpgDecrypt(secretFiles: string[], data: Buffer | string): Buffer {
  const home = peerHome();
  for (const file of secretFiles) gpg(home, ['--import', file]);
  return gpg(home, ['--decrypt'], data);
}

export function sqDecrypt(secretFile: string, data: Buffer | string): Buffer {
  const home = peerHome();
  const input = join(home, 'message.pgp');
  writeFileSync(input, data);
  return execFileSync('sq', ['decrypt', '--recipient-key', secretFile, input], { stdio: 'pipe' });
}
