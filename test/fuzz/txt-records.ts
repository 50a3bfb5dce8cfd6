/** TXT record sets as a resolver returns them (each record a list of ≤ 255-character strings), for RFC 8461/8460. */
import fc from 'fast-check';
import { chars, joined, textInputs } from './generators';

function asCharacterStrings(text: string, cut: number): string[] {
  const size = Math.max(1, Math.min(255, cut));
  const strings: string[] = [];
  for (let i = 0; i < text.length; i += size) strings.push(text.slice(i, i + size));
  return strings.length === 0 ? [''] : strings;
}

/** `version; field=value; …` records with mutations and pathological runs, split into character-strings. */
export function txtRecordSets(version: string, field: fc.Arbitrary<string>): fc.Arbitrary<string[][]> {
  const separator = fc.constantFrom(';', '; ', ' ;', ' ; ', ';;', '\t;\t', ' ');
  const record = fc
    .tuple(joined(field, separator, 6), separator)
    .map(([fields, sep]) => `${version}${sep}${fields}`);
  const text = textInputs(
    record,
    ' \t;=,:',
    fc.constantFrom(' ', '\t', ' \t', ';', '; ', '=', 'a=', 'a', ',', ' , ', version),
  );
  return fc
    .array(fc.tuple(text, fc.integer({ min: 1, max: 255 })), { minLength: 0, maxLength: 3 })
    .map((records) => records.map(([t, cut]) => asCharacterStrings(t, cut)));
}

export const txtSize = (records: string[][]): number =>
  records.reduce((sum, strings) => sum + strings.reduce((n, s) => n + Buffer.byteLength(s), 0), 0);

export const token = (alphabet = 'abcXYZ019'): fc.Arbitrary<string> => chars(alphabet, 12);
