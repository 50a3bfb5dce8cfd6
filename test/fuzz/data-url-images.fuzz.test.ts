/**
 * Fuzz: the pictures an HTML body holds as `data:` URLs (embeddedImages: the `<img>` scan, the URL's decoding and
 * the names), on bodies a sender writes, pastes or quotes. Whatever the body, every picture's bytes are as many as
 * its size says and no two names are alike; and the scan stays linear on the shapes that would make a naive one
 * quadratic, a megabyte of them within the design's per-input budget.
 */
import fc from 'fast-check';
import { embeddedImages, type EmbeddedImage } from '../../src/core/data-url-images';
import { chars, joined, textInputs } from './generators';
import { bestCpuMs, budgetMs, DEFAULT_BUDGET, fuzzTest } from './runner';

const payload = fc.oneof(
  chars('ABCabc019+/= \n%', 24).map((p) => `;base64,${p}`),
  chars('ab%0F2"<>&;#é', 24).map((p) => `,${p}`),
);
const dataUrl = fc
  .tuple(
    fc.constantFrom('data:', 'DATA:', ' data:', 'data'),
    fc.constantFrom('image/png', 'image/gif', '', 'image/svg+xml', 'x'),
    fc.constantFrom('', ';filename=a.png', ';filename=A.PNG', ';filename=..%2Fb.gif', ';filename=%E0%A4'),
    payload,
  )
  .map((parts) => parts.join(''));
const img = fc
  .tuple(
    fc.constantFrom('<img src="', "<IMG alt=x src='", '<img src=', '<image src="'),
    dataUrl,
    fc.constantFrom('">', "'>", '>', ''),
  )
  .map((parts) => parts.join(''));
const body = joined(
  fc.oneof(
    img,
    fc.constantFrom('<p>', '</p>', '<!--', '-->', '<script>', '</script>', '<a title="', '&amp;', '<'),
  ),
  fc.constantFrom('', ' ', '>', '"', "'"),
  30,
);

/** Each picture's bytes as many as its size; names unique ignoring case, as the recipient's file system sees them. */
function checkImages(images: EmbeddedImage[]): void {
  const names = new Set<string>();
  for (const image of images) {
    if (image.bytes().length !== image.size) throw new Error(`${image.name}: bytes and size differ`);
    const key = image.name.toLowerCase();
    if (names.has(key)) throw new Error(`${image.name} twice`);
    names.add(key);
  }
}

fuzzTest({
  name: 'data: images in HTML',
  inputs: textInputs(
    body,
    '<>"\'=&;,%/!- ',
    fc.constantFrom(
      '<img src="data:',
      '<img src="data:,',
      '<!--',
      '&',
      '<',
      '"',
      'data:',
      '<img src=data:image/png;base64,',
    ),
  ),
  size: (html) => html.length,
  parse: (html) => embeddedImages(html, ['a.png']),
  check: checkImages,
});

/** About a megabyte of `unit`. */
const megabyteOf = (unit: string) => unit.repeat(Math.ceil((1024 * 1024) / unit.length));
const closedImage = `<img src="data:image/png;filename=a.png;base64,QUI=">`;

describe('the scan is linear on a megabyte of hostile shapes', () => {
  test.each([
    ['`<img src="data:` with no closing quote', megabyteOf('<img src="data:')],
    ['`<img src=data:` unquoted, no `>`', megabyteOf('<img src=data:')],
    ['`<!--` with no end', megabyteOf('<!--')],
    ['`<!---` then `-`, a comment of dashes', `<!--${megabyteOf('-')}`],
    ['many comments, none ended by `--!>`', megabyteOf('<!--a-->')],
    ['`<script>` with no end tag', megabyteOf('<script>')],
    ['`&` with no `;` in a src value', `<img src="${megabyteOf('&')}">`],
    ['one picture name many times', megabyteOf(closedImage)],
    ['many unnamed pictures', megabyteOf('<img src="data:,a">')],
    ['a base64 payload of white space', `<img src="data:image/png;base64,${megabyteOf(' ')}">`],
  ])('%s', async (_shape, html) => {
    await expect(bestCpuMs(() => embeddedImages(html))).resolves.toBeLessThan(
      budgetMs(DEFAULT_BUDGET, html.length),
    );
  });

  test('the picture named many times is one picture (one URL), and ten distinct ones get ten names', () => {
    expect(embeddedImages(megabyteOf(closedImage))).toHaveLength(1);
    const distinct = Array.from({ length: 10 }, (_, i) =>
      closedImage.replace('QUI=', `QU${'ABCDEFGHIJ'[i]}=`),
    ).join('');
    expect(embeddedImages(distinct, ['a.png']).map((i) => i.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `a (${i + 2}).png`),
    );
  });
});
