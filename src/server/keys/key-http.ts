/**
 * One GET for a key document (WKD, VKS) through the hardened httpsGet: 200 is a document, 404 and 410 say "no key
 * here", any other status is a failure of the server, not an answer. Redirects are not followed (httpsGet returns
 * them), so they count as failures too.
 */
import { SendguardError } from '../../core/errors';
import { httpsGet, type HttpsGet, type HttpsNetwork } from '../net/https-get';

export interface KeyHttpDeps extends HttpsNetwork {
  /** The HTTPS client; the real one unless a test passes a fake. */
  httpsGet?: HttpsGet;
  signal?: AbortSignal;
}

export class KeyHttpError extends SendguardError {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super('KEY_HTTP_STATUS', `${url} answered HTTP ${status}`);
  }
}

export type KeyDocument = { status: 'found'; body: Buffer } | { status: 'absent' };

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
  });
  if (response.status === 200) return { status: 'found', body: response.body };
  if (response.status === 404 || response.status === 410) return { status: 'absent' };
  throw new KeyHttpError(response.status, url);
}
