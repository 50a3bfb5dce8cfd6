/**
 * `cid:` references (RFC 2392) in an HTML body, as Outlook writes them and as a forwarded message from anyone may
 * hold them: where each content id ends, which inline attachment each belongs to, and renaming them. The scan is
 * fuzzed with the shared runner: an HTML body is remote input when it quotes a received message.
 */
import fc from 'fast-check';
import { cidReferences, contentIdsByName, renameContentIds } from '../../src/outlook/inline-images';
import { chars, joined, textInputs } from '../fuzz/generators';
import { fuzzTest } from '../fuzz/runner';

const ids = (html: string) => cidReferences(html).map((r) => r.id);

describe('cidReferences', () => {
  test('RFC 2392: a content id ends with its quoted value, its url(), or else at white space, quotes, brackets or &', () => {
    expect(ids('<img src="cid:my logo.png@01DA.5E2" alt=x>')).toEqual(['my logo.png@01DA.5E2']);
    expect(ids("<img src='cid:a@b'>")).toEqual(['a@b']);
    expect(ids('<div style="background:url(cid:bg.png@x)">')).toEqual(['bg.png@x']);
    expect(ids('<div style="background:url(&quot;cid:bg.png@x&quot;)">')).toEqual(['bg.png@x']);
    expect(ids('<img src=cid:bare@x alt=y>')).toEqual(['bare@x']);
    expect(ids('<img src="CID:upper@x">')).toEqual(['upper@x']);
  });

  test('a word ending in “cid:” and an empty id are no references', () => {
    expect(ids('Hydrochloric acid:HCl and <img src="cid:">')).toEqual([]);
  });
});

describe('contentIdsByName', () => {
  test('each inline attachment gets the first id the body shows for its name, and no id twice', () => {
    const html =
      '<img src="cid:image001.png@01DA.1"><img src="cid:image001.png@01DA.1"><img src="cid:image001.png@01DA.2">' +
      '<img src="cid:my%20logo.png@x"><img src="cid:chart.png">';
    expect(
      contentIdsByName(html, ['image001.png', 'image001.png', 'image001.png', 'my logo.png', 'chart.png']),
    ).toEqual(['image001.png@01DA.1', 'image001.png@01DA.2', undefined, 'my%20logo.png@x', 'chart.png']);
  });
});

describe('renameContentIds', () => {
  test('only whole ids are renamed, wherever they appear', () => {
    const html = '<img src="cid:a@x"><img src="cid:a@x2"><p>cid:a@x</p>';
    expect(renameContentIds(html, new Map([['a@x', 'a.png']]))).toBe(
      '<img src="cid:a.png"><img src="cid:a@x2"><p>cid:a.png</p>',
    );
  });
});

const reference = fc
  .tuple(
    fc.constantFrom('"', "'", '(', '&quot;', ' ', '', 'a'),
    fc.constantFrom('cid:', 'CID:', 'cid:cid:'),
    chars('abc.@% -"\'()<>&', 12),
  )
  .map((parts) => parts.join(''));
const body = joined(
  fc.oneof(reference, fc.constantFrom('<img src=', '<div style="background:url(', '<p>', '</p>')),
  fc.constantFrom('', ' ', '>', '"'),
  40,
);

fuzzTest({
  name: 'cid: references in HTML',
  inputs: textInputs(body, '"\'()<>&@: ', fc.constantFrom('cid:', '"cid:', '(cid:', 'cid:a', 'c', '"')),
  size: (html) => html.length,
  parse: (html) => {
    const references = cidReferences(html);
    contentIdsByName(
      html,
      references.map((r) => r.id.split('@')[0]!),
    );
    return renameContentIds(html, new Map(references.map((r) => [r.id, 'x.png'])));
  },
});
