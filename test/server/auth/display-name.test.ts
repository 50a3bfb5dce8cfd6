/**
 * Names the service shows recipients as a sender's (Entra's `name` claim, an API token's owner): each way to make
 * one pass for an address, hide or reorder text, or break a line is refused, whichever door the name came in by.
 */
import { displayNameOf, displayNameProblem } from '../../../src/server/auth/display-name';
import { parseTokenOwner } from '../../../src/server/auth/token-owner';

test.each([
  ['Ana Example', 'Ana Example'],
  ['  Ana Example ', 'Ana Example'],
  ['Zoë O’Brien-Åström', 'Zoë O’Brien-Åström'],
  ['山田 太郎', '山田 太郎'],
  ['محمد علي', 'محمد علي'],
  ['x'.repeat(128), 'x'.repeat(128)],
])('%j stands as a display name', (name, shown) => {
  expect(displayNameOf(name)).toBe(shown);
});

test.each<[string, string, RegExp]>([
  ['an address in the name', 'CEO <ceo@bank.test>', /contains "<", which would make it look like an address/],
  ['an @', 'ceo@bank.test', /contains "@"/],
  ['a closing angle bracket', 'Ana >', /contains ">"/],
  ['U+202E RIGHT-TO-LEFT OVERRIDE', 'Ana \u202Egnp.exe', /invisible or control character U\+202E/],
  ['U+2066 LEFT-TO-RIGHT ISOLATE', 'Ana \u2066x', /U\+2066/],
  ['U+200B ZERO WIDTH SPACE', 'Ana\u200BExample', /U\+200B/],
  ['U+00AD SOFT HYPHEN', 'Ana\u00ADExample', /U\+00AD/],
  ['a line break', 'Ana\nSent by your bank', /U\+000A/],
  ['U+2028 LINE SEPARATOR', 'Ana\u2028Example', /U\+2028/],
  ['NUL', 'Ana\u0000', /U\+0000/],
  ['DEL', 'Ana\u007F', /U\+007F/],
  ['129 characters', 'x'.repeat(129), /longer than 128 characters/],
  ['only spaces', '   ', /is empty/],
])('%s is refused', (_case, name, problem) => {
  expect(displayNameProblem(name)).toMatch(problem);
  expect(displayNameOf(name)).toBeUndefined();
});

test('anything but text is no name', () => {
  for (const value of [undefined, null, 42, ['Ana'], { name: 'Ana' }])
    expect(displayNameOf(value)).toBeUndefined();
});

describe('an API token’s owner', () => {
  test('a bare address, or a name and an address', () => {
    expect(parseTokenOwner('Ana@Example.org')).toEqual({ address: 'ana@example.org' });
    expect(parseTokenOwner('"Example, Ana" <Ana@Example.org>')).toEqual({
      name: 'Example, Ana',
      address: 'ana@example.org',
    });
    expect(parseTokenOwner('"Sales: Ana" <ana@example.org>')).toEqual({
      name: 'Sales: Ana',
      address: 'ana@example.org',
    });
  });

  test.each<[string, string, string]>([
    ['a group of one', 'Team: ana@example.org;', 'is written as a group'],
    ['a group with a named member', 'Team: Ana <ana@example.org>;', 'is written as a group'],
    ['an empty group', 'undisclosed-recipients:;', 'is written as a group'],
    [
      'an address as the name',
      '"CEO <ceo@bank.test>" <a@evil.test>',
      'has a name that contains "<", which would make it look like an address',
    ],
    [
      'a right-to-left override in the name',
      '"Ana \u202Eknab" <ana@example.org>',
      'has a name that contains the invisible or control character U+202E',
    ],
    [
      'a name over 128 characters',
      `"${'x'.repeat(129)}" <ana@example.org>`,
      'has a name that is longer than 128',
    ],
  ])('%s is refused, saying why', (_case, owner, why) => {
    expect(() => parseTokenOwner(owner)).toThrow(
      expect.objectContaining({ code: 'ADDRESS_INVALID', message: expect.stringContaining(`(it ${why}`) }),
    );
  });
});
