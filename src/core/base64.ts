/**
 * Base64 (RFC 4648 §4) for attachment content, which mail clients' add-in APIs hand over and take as base64
 * strings (Office.js) or need written as such. Written out rather than `atob`/`btoa`: those work on "binary
 * strings" (slow and memory-hungry for a 10 MiB file) and are absent from classic Outlook's JavaScript-only
 * runtime, which bundles the Outlook adapter too.
 */
import { SendguardError } from './errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(data: ArrayBuffer | Uint8Array): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const chunks: string[] = [];
  // Chunked so that no single string concatenation grows quadratically on large files.
  for (let start = 0; start < bytes.length; start += 30_720) {
    let chunk = '';
    const end = Math.min(start + 30_720, bytes.length);
    for (let i = start; i < end; i += 3) {
      const a = bytes[i]!;
      const b = i + 1 < end ? bytes[i + 1]! : 0;
      const c = i + 2 < end ? bytes[i + 2]! : 0;
      chunk +=
        ALPHABET[a >> 2]! +
        ALPHABET[((a & 3) << 4) | (b >> 4)]! +
        (i + 1 < end ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=') +
        (i + 2 < end ? ALPHABET[c & 63]! : '=');
    }
    chunks.push(chunk);
  }
  return chunks.join('');
}

/** Ignores whitespace; throws on any other character outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const digit = code < 128 ? VALUES[code]! : -1;
    if (digit < 0) throw new SendguardError('NOT_BASE64', `not base64: character ${i}`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 255;
    }
  }
  return out.subarray(0, index);
}
