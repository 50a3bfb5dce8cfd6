/**
 * Escrowing a message (the add-in) or a reply (the portal) is one sequence: create it, upload its encrypted
 * streams in parts of a few chunks each, one part in flight at a time (memory holds one part, whatever the
 * attachment's size), then finalize it with the blobs' sizes. Both clients send through `createAndUpload`.
 */
import type { z } from 'zod';
import { concatBytes } from './bytes';
import { EscrowHttpError, requestJson, type FetchLike } from './http';
import type { EncryptedStream } from './stream-cipher';

interface UploadTarget {
  /** Where part bytes of blob `n` starting at `offset` go (a PUT). */
  partUrl(blob: number, offset: number): string;
  headers: Record<string, string>;
  fetch: FetchLike;
  onProgress?: (sent: number, total: number) => void;
}

/** About 1 MiB: few enough requests for a 25 MiB file, small enough to retry. */
const PART_BYTES = 1024 * 1024;

async function uploadStreams(streams: EncryptedStream[], target: UploadTarget): Promise<number[]> {
  const total = streams.reduce((n, s) => n + s.size, 0);
  let sent = 0;
  for (const [n, stream] of streams.entries()) {
    let offset = 0;
    let part: Uint8Array[] = [];
    let partSize = 0;
    const flush = async () => {
      const body = concatBytes(...part);
      const response = await target.fetch(target.partUrl(n, offset), {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { ...target.headers, 'content-type': 'application/octet-stream' },
        body,
      });
      if (!response.ok)
        throw new EscrowHttpError(
          'ESCROW_UPLOAD_FAILED',
          `the server refused part of the upload (HTTP ${response.status})`,
          response.status,
        );
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
}

/** Create → upload every stream → finalize; answers what create answered. */
export async function createAndUpload<Created>(upload: EscrowUpload<Created>): Promise<Created> {
  const { fetch, headers } = upload;
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
    fetch,
    ...(upload.onProgress ? { onProgress: upload.onProgress } : {}),
  });
  const fields = (await upload.finalizeFields?.(created)) ?? {};
  await requestJson(fetch, `${item}/finalize`, { method: 'POST', headers, body: { ...fields, blobSizes } });
  return created;
}
