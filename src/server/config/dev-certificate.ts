/**
 * A development CA and a localhost certificate, made once in the data directory with the `openssl` CLI (Node can
 * verify certificates but not issue them). A CA rather than a self-signed leaf, so that a developer trusts one
 * file once (Office add-ins only load from HTTPS origins the OS trusts) and renewed leaves stay trusted.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemClock, type Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';

const run = promisify(execFile);

interface DevCertificate {
  key: string;
  cert: string;
  /** The CA to trust (`certutil`, Keychain, `update-ca-certificates`) so browsers and Office accept the leaf. */
  caFile: string;
}

export interface DevCertificateDeps {
  /** Its wall time decides when the leaf is renewed. */
  clock?: Clock;
  openssl?: string;
}

const CA_DAYS = 3650;
/** Browsers refuse leaves valid for longer than 398 days. */
const LEAF_DAYS = 397;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

async function openssl(binary: string, args: string[]): Promise<void> {
  try {
    await run(binary, args, { timeout: 30_000 });
  } catch (error) {
    throw new SendguardError(
      'DEV_CERTIFICATE_FAILED',
      `openssl ${args[0]} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

async function makeCa(binary: string, dir: string): Promise<void> {
  await openssl(binary, [
    'req', '-x509', ...EC_KEY,
    '-keyout', join(dir, 'dev-ca.key'), '-out', join(dir, 'dev-ca.pem'), '-days', String(CA_DAYS),
    '-subj', '/CN=Sendguard development CA (this machine only)',
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
}

async function makeLeaf(binary: string, dir: string, now: number): Promise<void> {
  const csr = join(dir, 'localhost.csr');
  await openssl(binary, [
    'req', '-new', ...EC_KEY, '-keyout', join(dir, 'localhost.key'), '-out', csr, '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]); // prettier-ignore
  await openssl(binary, [
    'x509', '-req', '-in', csr, '-CA', join(dir, 'dev-ca.pem'), '-CAkey', join(dir, 'dev-ca.key'),
    '-set_serial', `0x${now.toString(16)}`, '-days', String(LEAF_DAYS), '-copy_extensions', 'copyall',
    '-out', join(dir, 'localhost.pem'),
  ]); // prettier-ignore
  await rm(csr, { force: true });
}

async function leafIsFresh(file: string, now: number): Promise<boolean> {
  if (!(await exists(file))) return false;
  const validTo = Date.parse(new X509Certificate(await readFile(file)).validTo);
  return validTo - now > RENEW_BEFORE_MS;
}

/** The development certificate under `<dataDir>/tls/`, made or renewed as needed. */
export async function ensureDevCertificate(
  dataDir: string,
  deps: DevCertificateDeps = {},
): Promise<DevCertificate> {
  const binary = deps.openssl ?? 'openssl';
  const now = (deps.clock ?? systemClock).now();
  const dir = join(dataDir, 'tls');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, 'dev-ca.pem');
  if (!(await exists(caFile)) || !(await exists(join(dir, 'dev-ca.key')))) await makeCa(binary, dir);
  if (!(await leafIsFresh(join(dir, 'localhost.pem'), now))) await makeLeaf(binary, dir, now);
  await Promise.all(['dev-ca.key', 'localhost.key'].map((file) => chmod(join(dir, file), 0o600)));
  const [key, cert] = await Promise.all([
    readFile(join(dir, 'localhost.key'), 'utf8'),
    readFile(join(dir, 'localhost.pem'), 'utf8'),
  ]);
  return { key, cert, caFile };
}
