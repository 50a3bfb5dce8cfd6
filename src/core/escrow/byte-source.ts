/**
 * Random access to bytes of known size, read a piece at a time: a File or Blob stays on disk (or wherever the
 * browser keeps it) and only a window around the chunk being encrypted or decrypted is in memory.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What the add-in and the portal hand in: Blob and File in browsers and Node 20, or bytes already in memory. */
export type ByteInput = Blob | ArrayBuffer | Uint8Array;

/**
 * Each `Blob.slice().arrayBuffer()` is a round trip to the browser's blob storage: in Chromium, reading 64 KiB
 * at a time costs eight times the encryption itself. Reading 4 MiB windows, the next one fetched while the
 * current one is used, makes reads sequential-fast at a bounded cost of two windows in memory.
 */
const WINDOW = 4 * 1024 * 1024;

function blobSource(blob: Blob): ByteSource {
  const windows = new Map<number, Promise<Uint8Array>>();
  const load = (index: number): Promise<Uint8Array> => {
    let window = windows.get(index);
    if (!window) {
      window = blob
        .slice(index * WINDOW, (index + 1) * WINDOW)
        .arrayBuffer()
        .then((buffer) => new Uint8Array(buffer));
      windows.set(index, window);
    }
    return window;
  };
  return {
    size: blob.size,
    async read(offset, length) {
      const first = Math.floor(offset / WINDOW);
      const last = Math.floor((offset + Math.max(length, 1) - 1) / WINDOW);
      for (const index of windows.keys()) if (index < first) windows.delete(index);
      if (last + 1 < Math.ceil(blob.size / WINDOW)) void load(last + 1).catch(() => undefined);
      const parts = await Promise.all(Array.from({ length: last - first + 1 }, (_, k) => load(first + k)));
      const start = offset - first * WINDOW;
      if (parts.length === 1) return parts[0]!.subarray(start, start + length);
      // A read spanning two windows (a chunk across a 4 MiB boundary, e.g. with the 24-byte header offset).
      const out = new Uint8Array(Math.min(length, blob.size - offset));
      let at = 0;
      for (const [k, part] of parts.entries()) {
        const from = k === 0 ? start : 0;
        const piece = part.subarray(from, from + out.length - at);
        out.set(piece, at);
        at += piece.length;
      }
      return out;
    },
  };
}

export function byteSource(input: ByteInput): ByteSource {
  if (input instanceof Uint8Array) {
    return { size: input.length, read: async (offset, length) => input.subarray(offset, offset + length) };
  }
  if (input instanceof ArrayBuffer) return byteSource(new Uint8Array(input));
  return blobSource(input);
}
