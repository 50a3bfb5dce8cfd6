/**
 * Uploads encrypted streams in parts of a few chunks each, one part in flight at a time: memory holds one part,
 * whatever the attachment's size. Both the add-in (messages) and the portal (replies) send through this.
 */
import { concatBytes } from './bytes';
import { EscrowHttpError, type FetchLike } from './http';
import type { EncryptedStream } from './stream-cipher';

export interface UploadTarget {
  /** Where part bytes of blob `n` starting at `offset` go (a PUT). */
  partUrl(blob: number, offset: number): string;
  headers: Record<string, string>;
  fetch: FetchLike;
  /** About 1 MiB: few enough requests for a 25 MiB file, small enough to retry. */
  partBytes?: number;
  onProgress?: (sent: number, total: number) => void;
}

const DEFAULT_PART_BYTES = 1024 * 1024;

export async function uploadStreams(streams: EncryptedStream[], target: UploadTarget): Promise<number[]> {
  const total = streams.reduce((n, s) => n + s.size, 0);
  const limit = target.partBytes ?? DEFAULT_PART_BYTES;
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
      if (partSize + chunk.length > limit && partSize > 0) await flush();
      part.push(chunk);
      partSize += chunk.length;
    }
    if (partSize > 0) await flush();
  }
  return streams.map((s) => s.size);
}
