/**
 * Where ciphertext is kept, and the file store for one node: `<dir>/<message id>/<name>`. Writes are appends at
 * an exact offset, so a retried upload part cannot duplicate or skip bytes. Names are checked here as well as at
 * the routes: a path or a key never comes from unchecked input.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SendguardError } from '../../core/errors';

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

export interface BlobStore {
  size(messageId: string, name: string): Promise<number>;
  /**
   * Appends when `offset` equals the current size; returns false (and writes nothing) otherwise. Of two appends at
   * the same offset at once, one lands and the other is refused.
   */
  append(messageId: string, name: string, offset: number, bytes: Uint8Array): Promise<boolean>;
  /** Streams the blob from its start, one stored piece at a time (never the whole blob in memory). */
  read(messageId: string, name: string): Readable;
  deleteMessage(messageId: string): Promise<void>;
}

export function blobName(blob: number, replyId?: string): string {
  return replyId ? `reply-${replyId}-${blob}` : `blob-${blob}`;
}

/** Throws NOT_FOUND unless the message id and the blob name (when given) are safe as a path segment. */
export function checkBlobNames(messageId: string, name?: string): void {
  if (!SAFE.test(messageId) || (name !== undefined && !SAFE.test(name)))
    throw new SendguardError('NOT_FOUND', 'no such file');
}

/**
 * Runs tasks with the same key one after another. A file has no compare-and-append, so the size check and the
 * write of one append must not interleave with another's; one process owns the folder.
 */
function oneAtATime() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const result = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

export function fileBlobStore(dir: string): BlobStore {
  const path = (messageId: string, name?: string) => {
    checkBlobNames(messageId, name);
    return name === undefined ? join(dir, messageId) : join(dir, messageId, name);
  };
  const size = async (messageId: string, name: string) =>
    stat(path(messageId, name)).then(
      (s) => s.size,
      () => 0,
    );
  const serialized = oneAtATime();
  return {
    size,
    async append(messageId, name, offset, bytes) {
      const file = path(messageId, name);
      return serialized(file, async () => {
        await mkdir(path(messageId), { recursive: true });
        const handle = await open(file, 'a');
        try {
          if ((await handle.stat()).size !== offset) return false;
          await handle.write(bytes);
          return true;
        } finally {
          await handle.close();
        }
      });
    },
    read: (messageId, name) => createReadStream(path(messageId, name)),
    async deleteMessage(messageId) {
      await rm(path(messageId), { recursive: true, force: true });
    },
  };
}
