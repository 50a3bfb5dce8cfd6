/**
 * The console's one way to the service: JSON over HTTP under /api/v1 with the admin's API token as a bearer
 * token. A refusal becomes an AdminApiError carrying the service's status and stable code, so that pages can tell
 * "not found" from "this token may not" without reading messages.
 */

/** A refusal or failure the service answered (or, with status 0, the service could not be reached). */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface AdminApi {
  /** `path` is relative to /api/v1, e.g. '/admin/overview?days=30'. */
  get<T>(path: string): Promise<T>;
  /** A body, when given, is sent as JSON; a 204 answer resolves to undefined. */
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** The answer as text, for CSV or YAML. */
  getText(path: string): Promise<string>;
}

interface AdminApiOptions {
  /** The API's root, ending before the route paths: e.g. `https://sendguard.example.org/api/v1`. */
  base: string;
  token: string;
  /** Told of every 401 before it is thrown, so the console can return to its sign-in screen. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

/** The service's refusal body: `{ error: { code, message } }` (src/server/api/errors.ts). */
async function refusal(response: Response): Promise<AdminApiError> {
  let code = `HTTP_${response.status}`;
  let message = `The service answered ${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's page, say): the status alone tells what happened.
  }
  return new AdminApiError(response.status, code, message);
}

export function createAdminApi(options: AdminApiOptions): AdminApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.base.replace(/\/+$/, '');

  async function request(method: string, path: string, body?: unknown, accept = 'application/json') {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        cache: 'no-store',
      });
    } catch (cause) {
      throw new AdminApiError(0, 'UNREACHABLE', `The service could not be reached: ${String(cause)}`);
    }
    if (!response.ok) {
      const error = await refusal(response);
      if (response.status === 401) options.onUnauthorized?.();
      throw error;
    }
    return response;
  }

  async function json<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    get: async <T>(path: string) => json<T>(await request('GET', path)),
    send: async <T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
      json<T>(await request(method, path, body)),
    getText: async (path: string) => (await request('GET', path, undefined, '*/*')).text(),
  };
}
