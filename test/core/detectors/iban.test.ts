import { detectIbans } from '../../../src/core/detectors/iban';
import { hits, spans } from './helpers';

const found = (text: string) => spans(detectIbans, text);

/** Examples published with the SWIFT IBAN registry, printed in groups of four. */
const REGISTRY_EXAMPLES = [
  'DE89 3704 0044 0532 0130 00',
  'GB82 WEST 1234 5698 7654 32',
  'FR14 2004 1010 0505 0001 3M02 606',
  'AD12 0001 2030 2003 5910 0100',
  'AT61 1904 3002 3457 3201',
  'BE68 5390 0754 7034',
  'CH93 0076 2011 6238 5295 7',
  'ES91 2100 0418 4502 0005 1332',
  'NO93 8601 1117 947',
  'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
];

describe('IBAN', () => {
  test.each(REGISTRY_EXAMPLES)('the registry example %s is found printed in groups of four', (iban) => {
    expect(found(`IBAN: ${iban}.`)).toEqual([iban]);
  });

  test.each(REGISTRY_EXAMPLES)('the registry example %s is found compact', (iban) => {
    const compact = iban.replace(/ /g, '');
    expect(found(`to ${compact} today`)).toEqual([compact]);
  });

  test('the IBAN ends at its registry length, not at the next word', () => {
    expect(found('DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX')).toEqual(['DE89 3704 0044 0532 0130 00']);
  });

  test.each([
    ['wrong check digits', 'DE88 3704 0044 0532 0130 00'],
    ['a transposed BBAN', 'DE89 3704 0044 0532 0310 00'],
    ['one character short', 'DE89 3704 0044 0532 0130 0'],
    ['one character long', 'DE893704004405320130007'],
    ['a country not in the registry', 'XX89 3704 0044 0532 0130 00'],
    ['groups not of four', 'DE89 37040044 0532013000'],
    ['a letter before it', 'ZDE89370400440532013000'],
    ['lower case', 'de89 3704 0044 0532 0130 00'],
  ])('rejects %s', (_reason, text) => {
    expect(found(text)).toEqual([]);
  });

  test('the mask shows the country and the last four characters only', () => {
    expect(hits(detectIbans, 'DE89370400440532013000')[0]?.masked).toBe('IBAN DE** … 3000');
  });
});
