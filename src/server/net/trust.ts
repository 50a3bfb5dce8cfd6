/**
 * Trust stores of Node's bundled roots plus the configured CAs, as TLS secure contexts built once per CA and
 * setting. Listing the ~140 bundled roots again parses every one of them: about 30 ms of CPU per connection,
 * which was most of a transport check's own cost.
 */
import tls from 'node:tls';

const built = new Map<Buffer | string, Map<string, tls.SecureContext>>();

/** A secure context trusting the bundled roots and `ca`, with `options` (protocol versions, ciphers) applied. */
export function contextTrusting(
  ca: Buffer | string,
  options: tls.SecureContextOptions = {},
): tls.SecureContext {
  let byOptions = built.get(ca);
  if (!byOptions) {
    byOptions = new Map();
    built.set(ca, byOptions);
  }
  const key = JSON.stringify(options);
  let context = byOptions.get(key);
  if (!context) {
    context = tls.createSecureContext({ ...options, ca: [...tls.rootCertificates, ca] });
    byOptions.set(key, context);
  }
  return context;
}
