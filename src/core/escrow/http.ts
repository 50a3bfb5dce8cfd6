/**
 * The few HTTP calls the escrow clients make, over an injected `fetch` (the add-in's, the portal's, a test's),
 * with the server's `{ error: { code, message } }` turned into a typed error the UI can show as it is.
 */
import type { z } from 'zod';
import { readErrorBody } from '../error-body';
import { SendguardError } from '../errors';

export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: Uint8Array<ArrayBuffer> | string;
    credentials?: 'same-origin';
    /** Aborts a request that took too long (the upload's time-out). */
    signal?: AbortSignal;
  },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; blob(): Promise<Blob> }>;

export type FetchAnswer = Awaited<ReturnType<FetchLike>>;

export class EscrowHttpError extends SendguardError {
  constructor(
    code: string,
    message: string,
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
    options?: { cause?: unknown; uploadedBytes?: number },
  ) {
    super(code, message, options);
    this.uploadedBytes = options?.uploadedBytes;
  }

  /** Where the blob stands, when the server refused a part for its offset (`ESCROW_OFFSET_MISMATCH`). */
  readonly uploadedBytes: number | undefined;
}

/** The refusal `response` carries, as a typed error. */
export async function failure(response: FetchAnswer): Promise<EscrowHttpError> {
  const error = readErrorBody(await response.json().catch(() => undefined));
  return new EscrowHttpError(
    error?.code ?? 'ESCROW_HTTP',
    error?.message ?? `the server answered HTTP ${response.status}`,
    response.status,
    error?.uploadedBytes === undefined ? {} : { uploadedBytes: error.uploadedBytes },
  );
}

/** `fetch`, with a JSON body sent and a JSON answer checked against `schema`; a refusal throws its typed error. */
export async function requestJson<T>(
  fetch: FetchLike,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
  schema?: z.ZodType<T>,
): Promise<T> {
  const response = await fetch(url, {
    method: init.method,
    credentials: 'same-origin',
    headers: { ...init.headers, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (!response.ok) throw await failure(response);
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success)
    throw new EscrowHttpError(
      'ESCROW_HTTP',
      'the server sent an answer this page does not understand',
      response.status,
    );
  return parsed.data;
}

/** Ciphertext, as a Blob the browser may keep out of the JavaScript heap. */
export async function requestBlob(
  fetch: FetchLike,
  url: string,
  headers: Record<string, string>,
): Promise<Blob> {
  const response = await fetch(url, { method: 'GET', headers, credentials: 'same-origin' });
  if (!response.ok) throw await failure(response);
  return response.blob();
}
