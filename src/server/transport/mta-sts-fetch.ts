/**
 * RFC 8461 §3.3: fetching a domain's MTA-STS policy file over HTTPS. Thin: the transfer rules live in httpsGet,
 * the file's rules in parseStsPolicy; this file only says which answers count as a policy.
 */
import { messageOf, SendguardError } from '../../core/errors';
import {
  httpsGet,
  HttpsGetError,
  type HttpsGet,
  type HttpsNetwork,
  type HttpsResponse,
} from '../net/https-get';
import { parseStsPolicy, type StsPolicy } from './mta-sts-parse';

export interface StsFetchDeps extends HttpsNetwork {
  /** The HTTPS client; the real one unless a test passes a fake. */
  httpsGet?: HttpsGet;
  timeoutMs?: number;
}

type StsFetchErrorCode =
  | 'STS_FETCH_FAILED'
  | 'STS_CERT_INVALID'
  | 'STS_HTTP_STATUS'
  | 'STS_WRONG_CONTENT_TYPE'
  | 'STS_POLICY_TOO_LARGE';

/** Why a policy could not be fetched; the message is short enough to show a sender. */
export class StsFetchError extends SendguardError {
  constructor(
    override readonly code: StsFetchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** RFC 8461 §3.3 suggests at most 64 KiB and one minute; a sender waiting at send time gets a shorter limit. */
export const STS_POLICY_MAX_BYTES = 64 * 1024;
const STS_FETCH_TIMEOUT_MS = 15_000;

/** The policy published for `domain` (a lower-case A-label); throws StsFetchError or StsPolicyError. */
export async function fetchStsPolicy(domain: string, deps: StsFetchDeps): Promise<StsPolicy> {
  const get = deps.httpsGet ?? httpsGet;
  const response = await get(`https://mta-sts.${domain}/.well-known/mta-sts.txt`, {
    resolveAddresses: deps.resolveAddresses,
    allowPrivateAddresses: deps.allowPrivateAddresses,
    ca: deps.ca,
    maxBytes: STS_POLICY_MAX_BYTES,
    timeoutMs: deps.timeoutMs ?? STS_FETCH_TIMEOUT_MS,
    accept: 'text/plain',
  }).catch((error: unknown) => {
    throw asStsFetchError(error, domain);
  });
  checkStatus(response);
  checkMediaType(response.headers['content-type']);
  return parseStsPolicy(response.body.toString('utf8'));
}

/** Everything httpsGet can throw, vetting refusals included, becomes one of this module's codes. */
function asStsFetchError(error: unknown, domain: string): StsFetchError {
  const host = `mta-sts.${domain}`;
  if (error instanceof HttpsGetError && error.code === 'HTTP_TLS_FAILED') {
    return new StsFetchError('STS_CERT_INVALID', `${host} has no valid certificate (${error.tlsCode})`, {
      cause: error,
    });
  }
  if (error instanceof HttpsGetError && error.code === 'HTTP_BODY_TOO_LARGE') {
    return new StsFetchError(
      'STS_POLICY_TOO_LARGE',
      `the policy is larger than ${STS_POLICY_MAX_BYTES} bytes`,
      {
        cause: error,
      },
    );
  }
  const detail = messageOf(error);
  return new StsFetchError('STS_FETCH_FAILED', `fetching the policy from ${host} failed: ${detail}`, {
    cause: error,
  });
}

/** Only 200 counts; RFC 8461 §3.3 forbids following redirects, so a 3xx is a failure like any other. */
function checkStatus(response: HttpsResponse): void {
  if (response.status === 200) return;
  const location = response.headers.location;
  const detail =
    response.status >= 300 && response.status < 400 && location ? ` redirecting to ${location}` : '';
  throw new StsFetchError(
    'STS_HTTP_STATUS',
    `the policy host answered HTTP ${response.status}${detail}; only 200 is a policy`,
  );
}

/** RFC 8461 §3.2: the media type is text/plain; parameters such as charset may follow. */
function checkMediaType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'text/plain') return;
  throw new StsFetchError(
    'STS_WRONG_CONTENT_TYPE',
    contentType === undefined
      ? 'the policy has no Content-Type'
      : `the policy is ${contentType}, not text/plain`,
  );
}
