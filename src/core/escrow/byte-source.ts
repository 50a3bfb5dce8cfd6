/**
 * Random access to bytes of known size, read a piece at a time: a File or Blob stays on disk (or wherever the
 * browser keeps it) and only the chunk being encrypted or decrypted is in memory.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What the add-in and the portal hand in: Blob and File in browsers and Node 20, or bytes already in memory. */
export type ByteInput = Blob | ArrayBuffer | Uint8Array;

export function byteSource(input: ByteInput): ByteSource {
  if (input instanceof Uint8Array) {
    return { size: input.length, read: async (offset, length) => input.subarray(offset, offset + length) };
  }
  if (input instanceof ArrayBuffer) return byteSource(new Uint8Array(input));
  return {
    size: input.size,
    read: async (offset, length) => new Uint8Array(await input.slice(offset, offset + length).arrayBuffer()),
  };
}
