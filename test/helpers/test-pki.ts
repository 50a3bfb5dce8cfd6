/**
 * A certificate authority of a test's own (openssl, in a temporary directory) and leaf certificates it signs for
 * DNS names: for HTTPS peers the service must trust through its `ca` setting, as it trusts a real provider through
 * the public roots.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** The CA certificate (PEM). */
  ca: string;
  /** A certificate and key (PEM) for these DNS names, signed by the CA, valid for a day. */
  leaf(names: string[]): { cert: string; key: string };
  remove(): void;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

export function testPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-pki-'));
  const [caCert, caKey] = [join(dir, 'ca.crt'), join(dir, 'ca.key')];
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat([
      '-subj',
      '/CN=Sendguard sign-in test CA',
      '-keyout',
      caKey,
      '-out',
      caCert,
    ]),
  );
  let serial = 0;
  return {
    ca: readFileSync(caCert, 'utf8'),
    leaf(names) {
      serial += 1;
      const [key, csr, cert, ext] = ['key', 'csr', 'crt', 'ext'].map((e) =>
        join(dir, `leaf${serial}.${e}`),
      ) as [string, string, string, string];
      writeFileSync(ext, `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
      openssl(
        ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
          '-subj',
          `/CN=${names[0]}`,
          '-keyout',
          key,
          '-out',
          csr,
        ]),
      );
      openssl(
        ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-set_serial', String(serial)].concat([
          '-days',
          '1',
          '-extfile',
          ext,
          '-out',
          cert,
        ]),
      );
      return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
