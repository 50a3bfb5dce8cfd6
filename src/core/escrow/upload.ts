/**
 * Escrowing a message (the add-in) or a reply (the portal) is one sequence: create it, upload its encrypted
 * streams in parts of a few chunks each, one part in flight at a time (memory holds one part, whatever the
 * attachment's size), then finalize it with the blobs' sizes. Both clients send through `createAndUpload`.
 *
 * Parts and finalize survive a lost request: each is sent again (`retrying-fetch.ts`), and a part the server
 * already holds, wholly or in part, is continued from where the server says its blob stands. So a node that dies
 * mid-upload behind a balancer loses nothing: the next try reaches another node sharing the same store.
 */
import type { z } from 'zod';
import { concatBytes } from './bytes';
import { EscrowHttpError, failure, requestJson, type FetchLike } from './http';
import { DEFAULT_RETRY, retryingFetch, type RetryPolicy } from './retrying-fetch';
import type { EncryptedStream } from './stream-cipher';

interface UploadTarget {
  /** Where part bytes of blob `n` starting at `offset` go (a PUT). */
  partUrl(blob: number, offset: number): string;
  headers: Record<string, string>;
  /** Sends a lost request again (`retryingFetch`). */
  fetch: FetchLike;
  /** Bounds how often one part is continued after the server said it holds some of it. */
  attempts: number;
  onProgress?: (sent: number, total: number) => void;
}

/** About 1 MiB: few enough requests for a 25 MiB file, small enough to retry. */
const PART_BYTES = 1024 * 1024;

/**
 * Where to go on after the server refused a part for its offset: where it says the blob stands, when that lies
 * within this part or at its end (an earlier try of it landed, wholly or partly, and its answer was lost).
 * Anywhere else the server holds bytes this upload never sent, or lost some it acknowledged: nothing to go on from.
 */
function resumeOffset(refusal: EscrowHttpError, start: number, end: number): number {
  const stands = refusal.uploadedBytes;
  if (stands !== undefined && stands >= start && stands <= end) return stands;
  throw new EscrowHttpError(
    'ESCROW_UPLOAD_DIVERGED',
    `the server holds ${stands ?? 'an unknown number of'} bytes of this file where this upload is at byte ${start}; send the message again`,
    refusal.status,
    { cause: refusal },
  );
}

/** Puts `bytes` at `start` of blob `n`: whole, or from where the server says an earlier try of it left off. */
async function putPart(target: UploadTarget, n: number, start: number, bytes: Uint8Array<ArrayBuffer>) {
  const end = start + bytes.length;
  for (let offset = start, tries = 1; offset < end; tries++) {
    const response = await target.fetch(target.partUrl(n, offset), {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { ...target.headers, 'content-type': 'application/octet-stream' },
      body: bytes.subarray(offset - start),
    });
    if (response.ok) return;
    const refusal = await failure(response);
    if (refusal.code !== 'ESCROW_OFFSET_MISMATCH' || tries >= target.attempts)
      throw new EscrowHttpError(
        'ESCROW_UPLOAD_FAILED',
        `the server refused part of the upload (HTTP ${response.status}): ${refusal.message}`,
        response.status,
        { cause: refusal },
      );
    offset = resumeOffset(refusal, start, end);
  }
}

async function uploadStreams(streams: EncryptedStream[], target: UploadTarget): Promise<number[]> {
  const total = streams.reduce((n, s) => n + s.size, 0);
  let sent = 0;
  for (const [n, stream] of streams.entries()) {
    let offset = 0;
    let part: Uint8Array[] = [];
    let partSize = 0;
    const flush = async () => {
      await putPart(target, n, offset, concatBytes(...part));
      offset += partSize;
      sent += partSize;
      target.onProgress?.(sent, total);
      part = [];
      partSize = 0;
    };
    for await (const chunk of stream.chunks) {
      if (partSize + chunk.length > PART_BYTES && partSize > 0) await flush();
      part.push(chunk);
      partSize += chunk.length;
    }
    if (partSize > 0) await flush();
  }
  return streams.map((s) => s.size);
}

export interface EscrowUpload<Created> {
  fetch: FetchLike;
  headers: Record<string, string>;
  /** Where to create it: `…/messages` for a message, `…/pickup/<id>/replies` for a reply. */
  collectionUrl: string;
  create: { body: unknown; answer: z.ZodType<Created>; idOf(created: Created): string };
  streams: EncryptedStream[];
  /**
   * What finalize carries besides the blobs' sizes; a message's wrapped content key needs the server secret the
   * create answer brought.
   */
  finalizeFields?(created: Created): Promise<Record<string, unknown>>;
  onProgress?: (sent: number, total: number) => void;
  /** How lost parts and finalize are sent again; `DEFAULT_RETRY` otherwise. */
  retry?: RetryPolicy;
}

/** Create → upload every stream → finalize; answers what create answered. */
export async function createAndUpload<Created>(upload: EscrowUpload<Created>): Promise<Created> {
  const { fetch, headers } = upload;
  const retry = upload.retry ?? DEFAULT_RETRY;
  const resending = retryingFetch(fetch, retry);
  // Create is sent once: it is not idempotent. A create whose answer was lost may have made a message; sent
  // again, it would make a second one, with its own id and server secret, and the first would wait unfinished
  // in the sender's list until it expires. Failing here lets the sender send again knowingly.
  const created = await requestJson(
    fetch,
    upload.collectionUrl,
    { method: 'POST', headers, body: upload.create.body },
    upload.create.answer,
  );
  const item = `${upload.collectionUrl}/${upload.create.idOf(created)}`;
  const blobSizes = await uploadStreams(upload.streams, {
    partUrl: (n, offset) => `${item}/blobs/${n}?offset=${offset}`,
    headers,
    fetch: resending,
    attempts: retry.attempts,
    ...(upload.onProgress ? { onProgress: upload.onProgress } : {}),
  });
  const fields = (await upload.finalizeFields?.(created)) ?? {};
  // The same body every try: the server answers a finalize it already stored, keys and sizes alike, as done.
  await requestJson(resending, `${item}/finalize`, {
    method: 'POST',
    headers,
    body: { ...fields, blobSizes },
  });
  return created;
}
