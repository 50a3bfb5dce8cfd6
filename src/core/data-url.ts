/**
 * `data:` URLs (RFC 2397) read as browsers read them (WHATWG Fetch, "data: URL processor"): the type and its
 * parameters before the first comma, the payload after it up to any `#`, percent-decoded, then base64-decoded
 * (WHATWG Infra, "forgiving-base64 decode") when the type ends in `;base64`. The decoded size is counted in one
 * pass without allocating, so a size estimate never decodes; the bytes are written on demand in a second pass.
 */

export interface DataUrl {
  /** The type's essence, lower case (`image/png`); `text/plain` when the URL names none, as browsers take it. */
  contentType: string;
  /** The type's parameters, names in lower case, values as written (still percent-encoded where they were). */
  parameters: ReadonlyMap<string, string>;
  /** How many bytes the payload decodes to. */
  size: number;
  /** The payload's bytes. */
  bytes(): Uint8Array;
}

/** The URL parser drops ASCII tab and newline anywhere, and C0 controls and spaces at either end. */
function urlInput(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  const trimmed = text.slice(start, end);
  return /[\t\n\r]/.test(trimmed) ? trimmed.replace(/[\t\n\r]/g, '') : trimmed;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The byte a `%` and two hex digits at `at` stand for; -1 when there is no such escape there. */
function escapedByte(text: string, at: number): number {
  if (text.charCodeAt(at) !== 0x25) return -1;
  const high = hexValue(text.charCodeAt(at + 1));
  const low = hexValue(text.charCodeAt(at + 2));
  return high >= 0 && low >= 0 ? (high << 4) | low : -1;
}

/**
 * Each byte of `text` percent-decoded (WHATWG URL, "percent-decode a string"): the text as UTF-8, with every `%`
 * and two hex digits one byte; a lone surrogate is U+FFFD, as UTF-8 encoding writes it.
 */
function eachPercentDecodedByte(text: string, emit: (byte: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const escaped = escapedByte(text, i);
    if (escaped >= 0) {
      emit(escaped);
      i += 2;
    } else if (code < 0x80) emit(code);
    else if (code < 0x800) {
      emit(0xc0 | (code >> 6));
      emit(0x80 | (code & 0x3f));
    } else {
      let point = code;
      const next = text.charCodeAt(i + 1);
      if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else if (code >= 0xd800 && code <= 0xdfff) point = 0xfffd;
      if (point >= 0x10000) {
        emit(0xf0 | (point >> 18));
        emit(0x80 | ((point >> 12) & 0x3f));
      } else emit(0xe0 | (point >> 12));
      emit(0x80 | ((point >> 6) & 0x3f));
      emit(0x80 | (point & 0x3f));
    }
  }
}

/** The payload as bytes: their count, written into `out` when given. */
function percentDecoded(payload: string, out?: Uint8Array): number {
  let count = 0;
  eachPercentDecodedByte(payload, (byte) => {
    if (out) out[count] = byte;
    count++;
  });
  return count;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Each ASCII character's value in base64: its sextet, SKIPPED for white space (which forgiving-base64 skips), else -1. */
const SKIPPED = -2;
const SEXTETS = new Int8Array(128).fill(-1);
for (const [index, char] of [...BASE64].entries()) SEXTETS[char.charCodeAt(0)] = index;
for (const space of [0x09, 0x0a, 0x0c, 0x0d, 0x20]) SEXTETS[space] = SKIPPED;
const PAD = 0x3d;

/**
 * The base64 payload as bytes: their count, written into `out` when given; undefined when it is not base64 (a
 * character outside the alphabet, `=` before the end or more than two, or a length no encoding has). Read
 * character by character rather than through eachPercentDecodedByte: a picture's payload is megabytes, and any
 * character beyond ASCII (whose UTF-8 bytes are too) is outside the alphabet anyway.
 */
function base64Decoded(payload: string, out?: Uint8Array): number | undefined {
  let sextets = 0;
  let pads = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < payload.length; i++) {
    let byte = escapedByte(payload, i);
    if (byte >= 0) i += 2;
    else byte = payload.charCodeAt(i);
    if (byte === PAD) {
      pads++;
      continue;
    }
    const sextet = byte < 0x80 ? SEXTETS[byte]! : -1;
    if (sextet === SKIPPED) continue;
    if (sextet < 0 || pads > 0) return undefined;
    bits = ((bits << 6) | sextet) & 0xffffff;
    sextets++;
    // Every fourth sextet completes three bytes; at the end, two or three left over make one or two.
    if (sextets % 4 === 0) {
      if (out) {
        out[count] = bits >> 16;
        out[count + 1] = (bits >> 8) & 0xff;
        out[count + 2] = bits & 0xff;
      }
      count += 3;
    }
  }
  const left = sextets % 4;
  if (left === 1 || pads > 2 || (pads > 0 && (sextets + pads) % 4 !== 0)) return undefined;
  if (out && left === 2) out[count] = (bits >> 4) & 0xff;
  if (out && left === 3) {
    out[count] = (bits >> 10) & 0xff;
    out[count + 1] = (bits >> 2) & 0xff;
  }
  return left === 0 ? count : count + left - 1;
}

/** `type/subtype`, each HTTP token code points (WHATWG MIME Sniffing, "parse a MIME type"); one class each side of `/`. */
const MIME_ESSENCE = /^[-!#$%&'*+.^_`|~0-9a-z]+\/[-!#$%&'*+.^_`|~0-9a-z]+$/;

/** `type/subtype` and `;name=value` parameters, as written before the comma. */
function parseType(written: string): { contentType: string; parameters: Map<string, string> } {
  const [essence = '', ...rest] = written.split(';');
  const parameters = new Map<string, string>();
  for (const parameter of rest) {
    const equals = parameter.indexOf('=');
    if (equals <= 0) continue;
    const name = parameter.slice(0, equals).trim().toLowerCase();
    const value = parameter.slice(equals + 1).trim();
    const unquoted =
      value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    if (!parameters.has(name)) parameters.set(name, unquoted);
  }
  const type = essence.trim().toLowerCase();
  return { contentType: MIME_ESSENCE.test(type) ? type : 'text/plain', parameters };
}

/** `;base64` at the end of the type, spaces allowed before `base64`: where it starts, or -1. */
function base64Marker(written: string): number {
  if (written.slice(-6).toLowerCase() !== 'base64') return -1;
  let at = written.length - 6;
  while (written[at - 1] === ' ') at--;
  return written[at - 1] === ';' ? at - 1 : -1;
}

/** The data: URL `text` is, or undefined when it is none (another scheme, no comma, a payload that is not base64). */
export function parseDataUrl(text: string): DataUrl | undefined {
  const input = urlInput(text);
  if (input.slice(0, 5).toLowerCase() !== 'data:') return undefined;
  const hash = input.indexOf('#');
  const url = hash < 0 ? input : input.slice(0, hash);
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const payload = url.slice(comma + 1);
  const written = url.slice(5, comma).trim();
  const marker = base64Marker(written);
  const decode = marker < 0 ? percentDecoded : base64Decoded;
  const size = decode(payload);
  if (size === undefined) return undefined;
  return {
    ...parseType(marker < 0 ? written : written.slice(0, marker)),
    size,
    bytes() {
      const out = new Uint8Array(size);
      decode(payload, out);
      return out;
    },
  };
}
