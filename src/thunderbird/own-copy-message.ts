/**
 * The sender's copy of a pickup notice as an RFC 5322 message file, for `messages.import` into their own Inbox:
 * multipart/alternative (RFC 2046 §5.1.4), text then HTML, each UTF-8 in base64 lines of 76 (RFC 2045 §6.8), the
 * subject as RFC 2047 encoded words. `uniqueId` makes its Message-ID and MIME boundary.
 */
import type { OwnCopy } from '../addin/host';
import { bytesToBase64 } from '../core/base64';

const CRLF = '\r\n';

function base64Lines(text: string): string {
  return (bytesToBase64(new TextEncoder().encode(text)).match(/.{1,76}/g) ?? []).join(CRLF);
}

/**
 * RFC 2047 encoded words of whole UTF-8 characters, 39 bytes at most each (64 characters encoded), one per line,
 * so that even the first, after "Subject: ", stays within RFC 5322's 78.
 */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (new TextEncoder().encode(chunk + char).length > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${base64Lines(word)}?=`).join(`${CRLF} `);
}

function part(type: 'plain' | 'html', content: string): string {
  return [
    `Content-Type: text/${type}; charset=UTF-8`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(content),
  ].join(CRLF);
}

export function ownCopyMessage(copy: OwnCopy, uniqueId: string, date: Date): string {
  const boundary = `sendguard-own-copy-${uniqueId}`;
  return [
    `From: <${copy.address}>`,
    `To: <${copy.address}>`,
    `Subject: ${encodedWords(copy.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <own-link.${uniqueId}@sendguard.invalid>`,
    'MIME-Version: 1.0',
    // Folded (RFC 5322 §2.2.3): with the boundary the field would pass 78 characters.
    `Content-Type: multipart/alternative;${CRLF} boundary="${boundary}"`,
    '',
    `--${boundary}`,
    part('plain', copy.text),
    `--${boundary}`,
    part('html', copy.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
