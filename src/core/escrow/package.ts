/**
 * A message or reply as streams: blob 0 is the manifest (text, subject, attachment names and each attachment's
 * stream salt), blobs 1… are the attachments. Recording the salts in the manifest binds each attachment to its
 * place, so a server cannot swap two attachments of one message.
 */
import type { z } from 'zod';
import { byteSource, type ByteInput, type ByteSource } from './byte-source';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes';
import { EscrowCryptoError } from './errors';
import { decryptAll, decryptStream, encryptStream, type EncryptedStream } from './stream-cipher';
import { SALT_BYTES } from './stream-format';
import type { AttachmentEntry } from './wire';

export interface AttachmentInput {
  name: string;
  type: string;
  data: ByteInput;
}

/** Encrypts lazily: each stream's chunks are produced only as the uploader pulls them. */
export function packStreams(
  contentKey: Uint8Array,
  fields: Record<string, unknown>,
  attachments: AttachmentInput[],
  chunkSize?: number,
): EncryptedStream[] {
  const sources = attachments.map((a) => byteSource(a.data));
  const streams = sources.map((source) =>
    encryptStream(contentKey, source, { chunkSize, salt: randomBytes(SALT_BYTES) }),
  );
  const entries: AttachmentEntry[] = attachments.map((a, i) => ({
    name: a.name,
    type: a.type,
    size: sources[i]!.size,
    salt: toBase64Url(streams[i]!.salt),
  }));
  const manifest = utf8(JSON.stringify({ v: 1, ...fields, attachments: entries }));
  return [encryptStream(contentKey, byteSource(manifest), { chunkSize }), ...streams];
}

export async function openManifest<T>(
  contentKey: Uint8Array,
  source: ByteSource,
  schema: z.ZodType<T>,
): Promise<T> {
  const plain = await decryptAll(contentKey, source);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch (cause) {
    throw new EscrowCryptoError('ESCROW_FORMAT_INVALID', 'the message contents are not readable', { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new EscrowCryptoError('ESCROW_FORMAT_INVALID', 'the message contents are not readable');
  return parsed.data;
}

/** An attachment's plaintext, checked against the salt its manifest recorded. */
export function openAttachment(
  contentKey: Uint8Array,
  source: ByteSource,
  entry: AttachmentEntry,
): AsyncGenerator<Uint8Array> {
  return decryptStream(contentKey, source, fromBase64Url(entry.salt));
}
