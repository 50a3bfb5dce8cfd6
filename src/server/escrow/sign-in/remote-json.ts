/**
 * JSON documents from identity providers and recipients' domains — remote parties, possibly hostile — through
 * the hardened `httpsGet`: https only, addresses vetted, size-capped and deadline-bound; the body is parsed only
 * after the cap (JSON.parse is linear). Every failure is SIGN_IN_REMOTE_FAILED, its cause kept.
 */
import { httpsGet as realHttpsGet, type HttpsGet, type HttpsNetwork } from '../../net/https-get';
import { SignInError } from './errors';

export interface RemoteJsonDeps {
  network: HttpsNetwork;
  httpsGet?: HttpsGet;
  /** The body may be this long (one provider document, a key set). */
  maxBytes: number;
  timeoutMs: number;
}

export type JsonObject = Record<string, unknown>;

export interface RemoteJsonRequest {
  signal?: AbortSignal;
  /** A POST of a form or a document instead of the GET. */
  post?: { contentType: string; body: Buffer };
  /** Statuses whose body is still read as the answer (an OAuth error is a 400 with a JSON body). */
  acceptStatuses?: readonly number[];
  /** Statuses that mean "no such document": answered as `{}`, the body not read (a 404's HTML page). */
  nothingHere?: readonly number[];
}

/** Parses a capped body as one JSON object; anything else is refused. */
export function parseJsonObject(body: Buffer, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new SignInError('SIGN_IN_REMOTE_FAILED', `${what} is not JSON`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SignInError('SIGN_IN_REMOTE_FAILED', `${what} is not a JSON object`);
  return value as JsonObject;
}

export async function fetchJson(
  url: string,
  what: string,
  deps: RemoteJsonDeps,
  request: RemoteJsonRequest = {},
): Promise<{ status: number; json: JsonObject }> {
  let response;
  try {
    response = await (deps.httpsGet ?? realHttpsGet)(url, {
      ...deps.network,
      maxBytes: deps.maxBytes,
      timeoutMs: deps.timeoutMs,
      accept: 'application/json',
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.post ? { post: request.post } : {}),
    });
  } catch (error) {
    throw new SignInError('SIGN_IN_REMOTE_FAILED', `${what} could not be fetched from ${url}`, {
      cause: error,
    });
  }
  if (request.nothingHere?.includes(response.status)) return { status: response.status, json: {} };
  const accepted = response.status === 200 || (request.acceptStatuses ?? []).includes(response.status);
  if (!accepted)
    throw new SignInError('SIGN_IN_REMOTE_FAILED', `${what} at ${url} answered HTTP ${response.status}`);
  return { status: response.status, json: parseJsonObject(response.body, what) };
}
