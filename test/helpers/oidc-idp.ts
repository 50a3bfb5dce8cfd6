/**
 * A recipient's identity provider for the sign-in tests: `oidc-provider` over HTTPS with a certificate from the
 * test's own CA, in its own Node process (test/helpers/oidc-idp.mjs), on an ephemeral port of a loopback address,
 * under a DNS name the test maps to that address (the service's injected resolver; Chromium's
 * --host-resolver-rules). Stopped by `close()`, and by itself when this process goes away (it watches stdin).
 *
 *   const idp = await startOidcIdp({ pki, hostname: 'login.a-corp.test', address: '127.77.1.1',
 *     clients: [{ client_id, client_secret, redirect_uris: [callback] }],
 *     accounts: { ana: { email: 'ana@a-corp.test', email_verified: true } } });
 *   // idp.issuer = https://login.a-corp.test:<port>
 *
 * Signing in is a form at the provider (`Account`, `Sign in`) taking an account's login; `signInWithForm` does
 * what a browser would, following redirects with a cookie jar, up to the redirect back to the service.
 * `registration: true` offers dynamic client registration (RFC 7591) at `<issuer>/reg`, open to anyone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readyLine, stopChild } from './child-process';
import type { TestPki } from './test-pki';

export interface OidcIdpOptions {
  pki: TestPki;
  hostname: string;
  /** A loopback address to listen on. */
  address: string;
  /** 443 gives an issuer without a port, known before the provider starts; ephemeral by default. */
  port?: number;
  /** A path the issuer ends in (`/<tenant>/v2.0`, as Microsoft's); none by default. */
  mount?: string;
  clients?: Array<Record<string, unknown>>;
  registration?: boolean;
  /** Login → the claims its ID tokens carry besides `sub`. */
  accounts: Record<string, Record<string, unknown>>;
}

export interface OidcIdp {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

const READY = 'OIDC_IDP_READY ';

export async function startOidcIdp(options: OidcIdpOptions): Promise<OidcIdp> {
  const { pki, ...rest } = options;
  const settings = { ...rest, clients: rest.clients ?? [], tls: pki.leaf([options.hostname]) };
  const child = spawn(process.execPath, [join(__dirname, 'oidc-idp.mjs'), JSON.stringify(settings)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ready = await readyLine<{ issuer: string; port: number }>(
    child,
    READY,
    'the test identity provider',
  ).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  return {
    ...ready,
    close: () => stopChild(child),
  };
}
