/**
 * Ciphertext on disk: `<dir>/<message id>/<name>`. Writes are appends at an exact offset, so a retried upload
 * part cannot duplicate or skip bytes. Names are checked here as well as at the routes: a path never comes from
 * unchecked input.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SendguardError } from '../../core/errors';

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

export interface BlobStore {
  size(messageId: string, name: string): Promise<number>;
  /** Appends when `offset` equals the current size; returns false (and writes nothing) otherwise. */
  append(messageId: string, name: string, offset: number, bytes: Uint8Array): Promise<boolean>;
  /** Streams the blob from its start, one stored piece at a time (never the whole blob in memory). */
  read(messageId: string, name: string): Readable;
  deleteMessage(messageId: string): Promise<void>;
}

export function blobName(blob: number, replyId?: string): string {
  return replyId ? `reply-${replyId}-${blob}` : `blob-${blob}`;
}

export function fileBlobStore(dir: string): BlobStore {
  const path = (messageId: string, name?: string) => {
    if (!SAFE.test(messageId) || (name !== undefined && !SAFE.test(name)))
      throw new SendguardError('NOT_FOUND', 'no such file');
    return name === undefined ? join(dir, messageId) : join(dir, messageId, name);
  };
  const size = async (messageId: string, name: string) =>
    stat(path(messageId, name)).then(
      (s) => s.size,
      () => 0,
    );
  return {
    size,
    async append(messageId, name, offset, bytes) {
      await mkdir(path(messageId), { recursive: true });
      const handle = await open(path(messageId, name), 'a');
      try {
        if ((await handle.stat()).size !== offset) return false;
        await handle.write(bytes);
        return true;
      } finally {
        await handle.close();
      }
    },
    read: (messageId, name) => createReadStream(path(messageId, name)),
    async deleteMessage(messageId) {
      await rm(path(messageId), { recursive: true, force: true });
    },
  };
}
