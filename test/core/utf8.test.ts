/** The one UTF-8 length count core's size checks, address limits and the Outlook form limit use. */
import fc from 'fast-check';
import { utf8Length } from '../../src/core/utf8';

test('utf8Length counts as TextEncoder writes, surrogate pairs and lone surrogates alike', () => {
  for (const text of ['', 'abc', 'Grüße', '€', '😀x', 'a\ud800b', '\udc00', 'x\ud83d', '\ud83d\ud83d\ude00'])
    expect([text, utf8Length(text)]).toEqual([text, new TextEncoder().encode(text).length]);
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }),
      (text) => utf8Length(text) === new TextEncoder().encode(text).length,
    ),
  );
});
