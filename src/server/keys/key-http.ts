/**
 * One GET for a key document (WKD, VKS) through the hardened httpsGet: 200 is a document, 404 and 410 say "no key
 * here", any other status is a failure of the server, not an answer. Redirects are not followed (httpsGet returns
 * them), so they count as failures too. A document over the size bound is the server's answer too, the same one
 * on every ask: a key it publishes that no client can use (GnuPG refuses it at the same bound), not a lookup that
 * might succeed next time.
 */
import { SendguardError } from '../../core/errors';
import { HttpsGetError, httpsGet, type HttpsGet, type HttpsNetwork } from '../net/https-get';

export interface KeyHttpDeps extends HttpsNetwork {
  /** The HTTPS client; the real one unless a test passes a fake. */
  httpsGet?: HttpsGet;
  signal?: AbortSignal;
}

class KeyHttpError extends SendguardError {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super('KEY_HTTP_STATUS', `${url} answered HTTP ${status}`);
  }
}

export type KeyDocument =
  { status: 'found'; body: Buffer } | { status: 'absent' } | { status: 'too-large'; maxBytes: number };

export async function getKeyDocument(
  url: string,
  deps: KeyHttpDeps,
  limits: { maxBytes: number; timeoutMs: number },
): Promise<KeyDocument> {
  const response = await (deps.httpsGet ?? httpsGet)(url, {
    resolveAddresses: deps.resolveAddresses,
    allowPrivateAddresses: deps.allowPrivateAddresses,
    ca: deps.ca,
    signal: deps.signal,
    accept: 'application/octet-stream, application/pgp-keys',
    ...limits,
  }).catch((error: unknown) => {
    if (error instanceof HttpsGetError && error.code === 'HTTP_BODY_TOO_LARGE') return undefined;
    throw error;
  });
  if (response === undefined) return { status: 'too-large', maxBytes: limits.maxBytes };
  if (response.status === 200) return { status: 'found', body: response.body };
  if (response.status === 404 || response.status === 410) return { status: 'absent' };
  throw new KeyHttpError(response.status, url);
}
