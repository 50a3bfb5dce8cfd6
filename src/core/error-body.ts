/**
 * The service's refusal body, `{ error: { code, message } }`, read one way for every client (the add-ins, the
 * escrow clients). Dependency-free: the send handler bundles it.
 */
export interface ErrorBody {
  code: string;
  message: string;
  /** Where the blob stands, with `ESCROW_OFFSET_MISMATCH`: a retried upload part goes on from there. */
  uploadedBytes?: number;
}

/** The code and message of a refusal body; `undefined` unless both are strings. */
export function readErrorBody(body: unknown): ErrorBody | undefined {
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string')
    return undefined;
  const { uploadedBytes } = error;
  return {
    code: error.code,
    message: error.message,
    ...(typeof uploadedBytes === 'number' && Number.isSafeInteger(uploadedBytes) && uploadedBytes >= 0
      ? { uploadedBytes }
      : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
