/**
 * TLS secure contexts, one per trust store and protocol setting for the life of the process: the process's default
 * root store (Node's bundled roots, unless Node was started with --use-openssl-ca or NODE_EXTRA_CA_CERTS), plus
 * the configured CAs when there are any. A context is costly to build and costlier still with extra CAs, so every
 * connection with the same trust and setting (SMTP probes, MTA-STS and key fetches alike) shares one.
 */
import tls from 'node:tls';

/** The setting of every connection that is not a deliberate fallback to old protocols: TLS 1.2 at least. */
export const MODERN_TLS: Readonly<tls.SecureContextOptions> = { minVersion: 'TLSv1.2' };

/** The native half of a secure context: Node's `SecureContext` binding, which it does not type. */
interface NativeContext {
  addCACert?: (pem: Buffer | string) => void;
}

const NO_EXTRA_CA = Symbol('no extra CA');
const built = new Map<Buffer | string | typeof NO_EXTRA_CA, Map<string, tls.SecureContext>>();

/**
 * The binding's `addCACert`, undefined where Node has none. Read from the shared context without extra CAs, which
 * every other context has the binding of, so that no context is built only to look.
 */
function caAdder(): ((context: tls.SecureContext, ca: Buffer | string) => void) | undefined {
  const native = (context: tls.SecureContext) => (context as { context?: NativeContext }).context;
  const add = native(contextTrusting(undefined))?.addCACert;
  return typeof add === 'function' ? (context, ca) => add.call(native(context), ca) : undefined;
}

/**
 * Trusts the default root store and `ca`. Listing ~140 roots again in `ca` makes Node parse each of them for this
 * context (about 30 ms of CPU); adding `ca` to a context that already holds the default store gives Node's shared
 * parsed copy of it plus `ca` for about 1 ms (Node copies the store first, so `ca` stays out of other contexts).
 * The binding's `addCACert` is not part of Node's documented API; without it, Node's bundled roots
 * (`tls.rootCertificates`) are listed with `ca`.
 */
function buildContext(
  ca: Buffer | string | undefined,
  options: Readonly<tls.SecureContextOptions>,
): tls.SecureContext {
  if (ca === undefined) return tls.createSecureContext(options);
  const addCa = caAdder();
  if (!addCa) return tls.createSecureContext({ ...options, ca: [...tls.rootCertificates, ca] });
  const context = tls.createSecureContext(options);
  addCa(context, ca);
  return context;
}

/**
 * The shared context trusting the default root store and `ca` (PEM, several may be concatenated; none when
 * undefined), with `options` (protocol versions, ciphers) applied.
 */
export function contextTrusting(
  ca: Buffer | string | undefined,
  options: Readonly<tls.SecureContextOptions> = MODERN_TLS,
): tls.SecureContext {
  const trustKey = ca ?? NO_EXTRA_CA;
  let byOptions = built.get(trustKey);
  if (!byOptions) {
    byOptions = new Map();
    built.set(trustKey, byOptions);
  }
  const key = JSON.stringify(options);
  let context = byOptions.get(key);
  if (!context) {
    context = buildContext(ca, options);
    byOptions.set(key, context);
  }
  return context;
}
