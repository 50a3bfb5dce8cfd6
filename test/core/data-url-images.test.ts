/**
 * Pictures an HTML body holds as `data:` URLs: which `<img>` elements the HTML tokenizer sees (WHATWG HTML
 * §13.2.5), what each `data:` URL decodes to (WHATWG Fetch "data: URL processor", RFC 2397, Infra
 * "forgiving-base64 decode"), the file name each goes by, and the OpenPGP size estimate that counts them.
 * Expected bytes come from Node's own decoders (Buffer, decodeURIComponent), not from the code under test; and
 * generated bodies and URLs are read by real implementations of those standards too (jsdom's parse5 for HTML,
 * Node's fetch for `data:` URLs), which must agree.
 */
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { bodyImageFiles, embeddedImages } from '../../src/core/data-url-images';
import { parseDataUrl } from '../../src/core/data-url';
import { imgSources } from '../../src/core/img-sources';
import { uniqueNames } from '../../src/core/unique-names';
import { estimateSize } from '../../src/core/message-size';

/** Every byte value once: what must come back exactly. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Every byte percent-encoded except letters and digits, which stay as written. */
function percentEncoded(bytes: Buffer): string {
  return [...bytes]
    .map((b) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

const bytesOf = (url: string) => Buffer.from(parseDataUrl(url)!.bytes());

describe('imgSources: the src of each <img> element, as the tokenizer reads the body', () => {
  test('quoted, single-quoted, unquoted and upper-case; the first of two src attributes counts', () => {
    expect(
      imgSources(
        '<p>x</p><img src="a.png" alt=x><IMG SRC=\'b.png\'><img alt="y" src=c.png><img src="d" src="e"><img/src="f">',
      ),
    ).toEqual(['a.png', 'b.png', 'c.png', 'd', 'f']);
  });

  test('§13.2.5: a `>` inside a quoted value does not end the tag; an <img> written in another tag’s value is none', () => {
    expect(imgSources('<a title="x > <img src=\'no\'>"><img src="yes" alt="a>b"></a>')).toEqual(['yes']);
  });

  test('comments, script, style and textarea text hold no elements; their end tags close them case-insensitively', () => {
    expect(
      imgSources(
        '<!-- <img src="c1"> --><!--><img src="after-empty-comment"><script>"<img src=s>"</SCRIPT ><style>/*<img src=st>*/</style>' +
          '<textarea><img src="t"></textarea><img src="kept">',
      ),
    ).toEqual(['after-empty-comment', 'kept']);
  });

  test('an element the body ends inside is none, nor is one inside an unclosed comment or script', () => {
    expect(imgSources('<img src="a"><img src="b')).toEqual(['a']);
    expect(imgSources('<img src="a"> <!-- <img src="b">')).toEqual(['a']);
    expect(imgSources('<img src="a"><script><img src="b">')).toEqual(['a']);
  });

  test('§13.2.6.4.7: <image> is an <img>; names that only start like img, and < before a non-letter, are none', () => {
    expect(imgSources('<imgx src="a"><image src="b">1 < 2 <img src="c">')).toEqual(['b', 'c']);
  });

  test('character references in the value are read: named ones serializers write, and numeric ones', () => {
    expect(imgSources('<img src="a&amp;b&quot;c&#x41;&#66;&nbsp;&#0;&;&">')).toEqual([
      'a&b"cAB\u00a0\ufffd&;&',
    ]);
  });
});

describe('parseDataUrl', () => {
  test('RFC 2397 base64: every byte value back exactly, white space and percent-escapes in the payload allowed', () => {
    const base64 = ALL_BYTES.toString('base64');
    expect(bytesOf(`data:image/png;base64,${base64}`).equals(ALL_BYTES)).toBe(true);
    const spaced = base64
      .replace(/(.{76})/g, '$1\r\n ')
      .replace(/\+/g, '%2B')
      .replace(/=/g, '%3D');
    expect(bytesOf(`data:image/png;base64,${spaced}`).equals(ALL_BYTES)).toBe(true);
  });

  test('RFC 2397 percent-encoded: escapes are bytes, other characters their UTF-8', () => {
    expect(bytesOf(`data:image/gif,${percentEncoded(ALL_BYTES)}`).equals(ALL_BYTES)).toBe(true);
    const text = '<svg>é 😀</svg>';
    expect(bytesOf(`data:image/svg+xml,${text}`).toString('utf8')).toBe(text);
    expect(bytesOf('data:,%zz%4').toString('latin1')).toBe('%zz%4');
  });

  test('the size is counted without decoding and matches the bytes', () => {
    for (const url of [
      `data:image/png;base64,${ALL_BYTES.toString('base64')}`,
      'data:image/png;base64,QQ',
      'data:image/png;base64,QUI=',
      `data:image/gif,${percentEncoded(ALL_BYTES)}é😀`,
    ]) {
      const parsed = parseDataUrl(url)!;
      expect(parsed.size).toBe(parsed.bytes().length);
    }
  });

  test('Infra forgiving-base64: padding only at the end and only to a whole group; an impossible length fails', () => {
    expect(bytesOf('data:a/b;base64,QQ==').toString('latin1')).toBe('A');
    expect(bytesOf('data:a/b;base64,QQ').toString('latin1')).toBe('A');
    for (const bad of ['Q', 'QQ=', 'QQ===', 'Q=Q=', 'QQ-_', 'QQ\u00e9']) {
      expect(parseDataUrl(`data:a/b;base64,${bad}`)).toBeUndefined();
    }
  });

  test('Fetch data: URL processor: the fragment is no part of the payload; the scheme and ;base64 are case-blind', () => {
    expect(bytesOf('DATA:image/svg+xml,<svg/>#frag').toString()).toBe('<svg/>');
    expect(bytesOf('  data:image/png; BASE64,QUI=  ').toString()).toBe('AB');
    expect(parseDataUrl('data:image/png;base64,QUI=')!.contentType).toBe('image/png');
    expect(parseDataUrl('data:,x')!.contentType).toBe('text/plain');
    expect(parseDataUrl('data:image/png')).toBeUndefined();
    expect(parseDataUrl('https://example.org/a.png')).toBeUndefined();
  });

  test('parameters before the payload: names case-blind, values as written, quotes taken off', () => {
    const url = parseDataUrl('data:Image/PNG;FileName=my%20logo.png;x="q";base64,QUI=')!;
    expect(url.contentType).toBe('image/png');
    expect(url.parameters.get('filename')).toBe('my%20logo.png');
    expect(url.parameters.get('x')).toBe('q');
  });
});

describe('embeddedImages: the body’s data: pictures as files', () => {
  const png = `data:image/png;filename=logo.png;base64,${ALL_BYTES.toString('base64')}`;

  test('Thunderbird’s image dialog form keeps its file name, percent-decoded; others are image-N by type', () => {
    const images = embeddedImages(
      '<img src="data:image/png;filename=Q1%20chart%C3%A9.png;base64,QUI=">' +
        '<img src="data:image/jpeg;base64,QUI="><img src="https://example.org/x.png"><img src="data:image/svg+xml,%3Csvg/%3E">' +
        '<img src="data:image/x-weird.kind,x"><img src="data:image/png;base64,%%%">',
    );
    expect(images.map((i) => [i.name, i.contentType, i.size])).toEqual([
      ['Q1 charté.png', 'image/png', 2],
      ['image-1.jpg', 'image/jpeg', 2],
      ['image-2.svg', 'image/svg+xml', 6],
      ['image-3.bin', 'image/x-weird.kind', 1],
    ]);
  });

  test('a file name keeps no path and no control characters', () => {
    const [image] = embeddedImages('<img src="data:image/png;filename=..%2Fetc%2Fa%0Ab.png;base64,QUI=">');
    expect(image!.name).toBe('ab.png');
  });

  test('the same URL twice is one file; names already taken, or taken twice, are numbered, ignoring case', () => {
    const images = embeddedImages(
      `<img src="${png}"><img src="${png}"><img src="data:image/png;filename=LOGO.png;base64,QQ==">` +
        '<img src="data:image/png;filename=logo.png;base64,Qg==">',
      ['logo.png', 'logo (2).png'],
    );
    expect(images.map((i) => i.name)).toEqual(['logo (3).png', 'LOGO (4).png', 'logo (5).png']);
    expect(Buffer.from(images[0]!.bytes()).equals(ALL_BYTES)).toBe(true);
  });

  test('one counter names files apart, however the caller writes the number', () => {
    const asFiles = uniqueNames(['a.txt']);
    expect(['a.txt', 'A.txt', 'b'].map(asFiles)).toEqual(['a (2).txt', 'A (3).txt', 'b']);
    const asContentIds = uniqueNames([], (stem, number, extension) => `${stem}-${number}${extension}`);
    expect(['x.png', 'X.png', 'x-2.png', 'x.png'].map(asContentIds)).toEqual([
      'x.png',
      'X-2.png',
      'x-2-2.png',
      'x-3.png',
    ]);
  });

  test('bodyImageFiles names the pictures apart from the message’s attachments', () => {
    const files = bodyImageFiles({ html: `<img src="${png}">`, attachments: [{ name: 'Logo.png' }] });
    expect(files.map((f) => f.name)).toEqual(['logo (2).png']);
  });
});

describe('the OpenPGP size estimate counts the body’s pictures, which go as files', () => {
  test('a 300 KB picture in the HTML adds at least its base64 size to OpenPGP; forced TLS already counts it in the HTML', () => {
    const picture = Buffer.alloc(300_000, 7);
    const outline = (html: string) => ({ subject: 's', html, text: 'hello', attachments: [] });
    const message = { protection: 'pgp' as const, addresses: ['b@example.org'] };
    const without = estimateSize(outline('<p>hi</p>'), message).sent;
    const withPicture = estimateSize(
      outline(`<p>hi</p><img src="data:image/png;base64,${picture.toString('base64')}">`),
      message,
    ).sent;
    expect(withPicture - without).toBeGreaterThanOrEqual(Math.ceil(picture.length / 3) * 4);
    // Forced TLS sends the HTML itself, picture included; its estimate already holds the URL's length.
    const tls = { protection: 'tls' as const, addresses: ['b@example.org'] };
    const html = `<img src="data:image/png;base64,${picture.toString('base64')}">`;
    expect(estimateSize(outline(html), tls).sent).toBeGreaterThan(html.length);
  });
});

describe('against real implementations of the standards', () => {
  const { DOMParser } = new JSDOM('').window;
  /** What a browser's parser makes of the body (scripting off, as in a mail editor): each <img>'s src. */
  const parsedSources = (html: string) =>
    [...new DOMParser().parseFromString(html, 'text/html').querySelectorAll('img')].flatMap((img) => {
      const src = img.getAttribute('src');
      return src === null ? [] : [src];
    });

  const text = fc.constantFrom('a', 'b', ' ', '>', '"', "'", '=', '/', '<', '&', ';', '-', '!', '\n', '\t');
  const reference = fc.constantFrom(
    '&amp;',
    '&quot;',
    '&lt;',
    '&gt;',
    '&apos;',
    '&nbsp;',
    '&#65;',
    '&#x42;',
    '&#0;',
  );
  const value = fc.array(fc.oneof(text, reference), { maxLength: 8 }).map((parts) => parts.join(''));
  const attribute = fc
    .tuple(
      fc.constantFrom(' ', '\n', '/', ' / ', '"', ''),
      fc.constantFrom('src', 'SRC', 'alt', 'x', '=a', '"q'),
      fc.constantFrom('', '=', ' = '),
      fc.oneof(
        value.map((v) => `"${v.replaceAll('"', '')}"`),
        value.map((v) => `'${v.replaceAll("'", '')}'`),
        value.map((v) => v.replace(/[\s>"'&]/g, '')),
      ),
    )
    .map(([space, name, equals, written]) => space + name + (equals === '' ? '' : equals + written));
  const tag = fc
    .tuple(
      fc.constantFrom(
        'img',
        'IMG',
        'image',
        'imgx',
        'p',
        'a',
        'div',
        '/p',
        '/img',
        'textarea',
        'title',
        'style',
        'xmp',
      ),
      fc.array(attribute, { maxLength: 4 }),
      fc.constantFrom('>', '/>', ' >', ''),
    )
    .map(([name, attributes, end]) => `<${name}${attributes.join('')}${end}`);
  const markup = fc.oneof(
    tag,
    text,
    fc.constantFrom(
      '<!--',
      '-->',
      '--!>',
      '<!-->',
      '<!--->',
      '<!doctype html>',
      '<?x>',
      '</ x>',
      '</>',
      '</textarea>',
      '</style >',
      '</title/>',
      '</xmp>',
      '<script>"<img src=a>"</script>',
      '<noscript><img src="n"></noscript>',
    ),
  );
  const html = fc.array(markup, { maxLength: 30 }).map((parts) => parts.join(''));

  test('WHATWG HTML §13.2: each generated body gives the src values parse5 gives its <img> elements', () => {
    fc.assert(
      fc.property(html, (body) => {
        expect(imgSources(body)).toEqual(parsedSources(body));
      }),
      { numRuns: 2000 },
    );
  });

  const base64 = fc
    .tuple(
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '=', '%3D', '%2B', '-', '\u00e9', '%')), {
        maxLength: 3,
      }),
    )
    .map(([bytes, edits]) =>
      edits.reduce((text, [at, edit]) => {
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + edit + text.slice(cut);
      }, Buffer.from(bytes).toString('base64')),
    );
  const percent = fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
        fc.constantFrom(
          'a',
          'Z',
          '0',
          ' ',
          '%',
          '%g',
          '%4',
          '"',
          '<',
          '>',
          '?',
          ';',
          '\u00e9',
          '\u{1F600}',
          '\ud800',
        ),
      ),
      { maxLength: 20 },
    )
    .map((parts) => parts.join(''));
  const type = fc.constantFrom(
    'image/png',
    'Image/GIF ',
    'image/svg+xml',
    '',
    ' text/plain',
    'image',
    'a b/c',
    'image/png;filename=x%20y.png',
  );
  const payload = fc.oneof(
    fc.tuple(fc.constantFrom(';base64', ';  BASE64', ';base64 '), base64),
    fc.tuple(fc.constant(''), percent),
  );
  const url = fc
    .tuple(fc.constantFrom('data:', 'DATA:', ' data:'), type, payload, fc.constantFrom('', '#frag', ' '))
    .map(([scheme, written, [marker, encoded], tail]) => `${scheme}${written}${marker},${encoded}${tail}`);

  test('WHATWG Fetch data: URL processor: each generated URL decodes as Node’s fetch decodes it, or fails as it fails', async () => {
    await fc.assert(
      fc.asyncProperty(url, async (written) => {
        const fetched = await fetch(written).then(
          async (response) => ({
            type: response.headers.get('content-type')!.split(';')[0],
            bytes: Buffer.from(await response.arrayBuffer()),
          }),
          () => undefined,
        );
        const parsed = parseDataUrl(written);
        expect(parsed && { type: parsed.contentType, bytes: Buffer.from(parsed.bytes()) }).toEqual(fetched);
        if (parsed) expect(parsed.size).toBe(fetched!.bytes.length);
      }),
      { numRuns: 1000 },
    );
  });
});
