/** RFC 4648 §4 base64 without atob/btoa, checked against Node's Buffer. */
import fc from 'fast-check';
import { base64ToBytes, bytesToBase64 } from '../../src/core/base64';

test('RFC 4648 §10: the published test vectors', () => {
  const vectors = {
    '': '',
    f: 'Zg==',
    fo: 'Zm8=',
    foo: 'Zm9v',
    foob: 'Zm9vYg==',
    fooba: 'Zm9vYmE=',
    foobar: 'Zm9vYmFy',
  };
  for (const [text, encoded] of Object.entries(vectors)) {
    expect(bytesToBase64(new TextEncoder().encode(text))).toBe(encoded);
    expect(Buffer.from(base64ToBytes(encoded)).toString('latin1')).toBe(text);
  }
});

test('encodes as Buffer does, across its 30 KiB chunks, and decodes back, line breaks ignored', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
      const encoded = bytesToBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(encoded.replace(/(.{76})/g, '$1\r\n'))).toEqual(bytes);
    }),
    { numRuns: 40 },
  );
});

test('a character outside the alphabet is a typed error naming where', () => {
  expect(() => base64ToBytes('Zm9v*mFy')).toThrow(
    expect.objectContaining({ code: 'NOT_BASE64', message: 'not base64: character 4' }),
  );
});
