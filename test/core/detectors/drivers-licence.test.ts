import { detectDriversLicences } from '../../../src/core/detectors/drivers-licence';
import { hits, spans } from './helpers';

const found = (text: string) => spans(detectDriversLicences, text);

describe("driver's licence numbers", () => {
  test.each([
    ['California (letter and 7 digits)', 'D1234567'],
    ['Arizona (letter and 8 digits)', 'B12345678'],
    ['Illinois (letter and 11 digits, hyphenated)', 'A123-4567-8901'],
    ['Florida (letter and 12 digits, hyphenated)', 'F123-456-78-901-0'],
    ['Wisconsin (letter and 13 digits)', 'S1234567890123'],
    ['New Jersey (letter and 14 digits)', 'A12345678901234'],
    ['Ohio (two letters and 6 digits)', 'AB123456'],
    ['Texas (8 digits)', '24681357'],
    ['New York (9 digits)', '123 456 789'],
  ])('the %s format is found', (_state, number) => {
    expect(found(`Driver's license: ${number}`)).toEqual([number]);
  });

  test.each([
    "driver's licence ",
    'drivers license ',
    'Driver License No. ',
    'driving licence ',
    'DL# ',
    'DL: ',
    'DLN ',
  ])('the keyword %j counts', (keyword) => {
    expect(found(`${keyword}D1234567`)).toEqual(['D1234567']);
  });

  test('without a keyword a licence-shaped number is not reported', () => {
    expect(found('Invoice D1234567')).toEqual([]);
  });

  test.each(['D123456', 'ABC1234567', '123456', '1234567890', 'D1234567X', 'XD1234567'])(
    '%s matches no state format',
    (number) => {
      expect(found(`DL: ${number}`)).toEqual([]);
    },
  );

  test('the mask keeps the last four characters', () => {
    expect(hits(detectDriversLicences, 'DL: D1234567')[0]?.masked).toBe('licence ending 4567');
  });
});
