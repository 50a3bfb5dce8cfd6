/**
 * Fuzz: what a pickup page reads before decrypting: an escrow stream's header, the link's fragment, and the sender
 * view's answer.
 */
import fc from 'fast-check';
import { decodeHeader, encodeHeader, DEFAULT_CHUNK_SIZE } from '../../src/core/escrow/stream-format';
import { parseFragment } from '../../src/core/escrow/link';
import { SenderView } from '../../src/core/escrow/wire';
import { chars, textInputs } from './generators';
import { fuzzTest } from './runner';

const header = fc
  .tuple(fc.constantFrom(DEFAULT_CHUNK_SIZE, 1024, 1 << 20), fc.uint8Array({ minLength: 16, maxLength: 16 }))
  .map(([size, salt]) => encodeHeader(size, salt).bytes);

fuzzTest({
  name: 'escrow stream header',
  inputs: fc.oneof(
    fc.tuple(header, fc.nat(), fc.nat({ max: 0xffffffff })).map(([bytes, at, value]) => {
      const copy = Buffer.from(bytes);
      copy.writeUInt32BE(value, (at % 6) * 4);
      return new Uint8Array(copy);
    }),
    fc
      .tuple(header, fc.uint8Array({ maxLength: 8 }))
      .map(([bytes, extra]) => new Uint8Array([...bytes, ...extra])),
    fc.uint8Array({ maxLength: 64 }),
  ),
  size: (bytes) => bytes.length,
  parse: decodeHeader,
});

const b64url = 'ABCXYZabcxyz0189-_';
const fragment = fc
  .tuple(
    fc.constantFrom('#', ''),
    fc.constantFrom('r1', 's1', 'r2', ''),
    chars(b64url, 24),
    chars(b64url, 45),
  )
  .map(([hash, role, id, secret]) => `${hash}${role}.${id}.${secret}`);

fuzzTest({
  name: 'pickup link fragment',
  inputs: textInputs(fragment, '#.-_= %', fc.constantFrom('A', '.', '#', ' ', '%20', 'r1.', '-')),
  size: (text) => Buffer.byteLength(text),
  parse: parseFragment,
});

const b64Of = (bytes: number, c = 'A') => c.repeat(Math.ceil((bytes * 4) / 3));
const senderView = JSON.stringify({
  wrappedReplyKey: b64Of(150),
  senderWrappedKey: b64Of(60),
  blobSizes: [120, 4000],
  replies: [
    {
      id: b64Of(16, 'B'),
      from: 'bob@partner.example',
      at: '2026-12-07T05:00:00.000Z',
      ephemeralPublicKey: b64Of(65, 'C'),
      tag: b64Of(32, 'D'),
      blobSizes: [80],
    },
  ],
});

/** What the sender's page reads before it checks any reply's tag; a JSON syntax error is the page's plain refusal. */
fuzzTest({
  name: 'escrow sender view answer',
  inputs: textInputs(
    fc.constant(senderView),
    '{}[]":,\\0-9A-_ ',
    fc.constantFrom('[', '{', '"', ' ', '1', ',', '"tag":', 'A'.repeat(43)),
  ),
  size: (text) => Buffer.byteLength(text),
  parse: (text) => {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return false;
    }
    return SenderView.safeParse(document).success;
  },
});
