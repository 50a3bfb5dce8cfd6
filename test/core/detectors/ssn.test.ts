import { detectSsn } from '../../../src/core/detectors/ssn';
import { hits, spans } from './helpers';

const found = (text: string) => spans(detectSsn, text);

describe('US Social Security numbers', () => {
  test('3-2-4 with hyphens or with spaces is found without a keyword', () => {
    expect(found('Ref 234-56-7890 and 345 67 8901.')).toEqual(['234-56-7890', '345 67 8901']);
  });

  test('a 3-2-4 number mixing hyphen and space is not one', () => {
    expect(found('234-56 7890')).toEqual([]);
  });

  test.each([
    'SSN: ',
    'ssn ',
    'SS# ',
    'SS no. ',
    'Social Security Number: ',
    'social-security ',
    'Soc. Sec. ',
  ])('nine bare digits count after the keyword %j', (keyword) => {
    expect(found(`${keyword}234567890`)).toEqual(['234567890']);
  });

  test('nine bare digits without a keyword are not reported', () => {
    expect(found('Order 234567890 shipped')).toEqual([]);
  });

  test('a keyword more than 40 characters before the digits does not count', () => {
    expect(found(`SSN${' '.repeat(37)}234567890`)).toEqual(['234567890']);
    expect(found(`SSN${' '.repeat(38)}234567890`)).toEqual([]);
  });

  test.each(['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '234-00-3456', '234-56-0000'])(
    'SSA never issues %s (area 000, 666, 9xx; group 00; serial 0000)',
    (ssn) => {
      expect(found(`SSN ${ssn}`)).toEqual([]);
    },
  );

  test.each(['001-01-0001', '665-99-9999', '667-12-3456', '899-12-3456'])(
    '%s is in the issuable ranges',
    (ssn) => {
      expect(found(ssn)).toEqual([ssn]);
    },
  );

  test.each(['078-05-1120', '219-09-9999', '123-45-6789'])(
    'the published number %s (advertising card or form placeholder) is not reported',
    (ssn) => {
      expect(found(`SSN: ${ssn}`)).toEqual([]);
    },
  );

  test.each([
    '234-56-7890-1',
    '1234-56-7890',
    'x234-56-7890',
    '234-56-78901',
    '2.234-56-7890',
    '234-56-7890/3',
  ])('digits that are part of a longer token are not an SSN: %s', (text) => {
    expect(found(text)).toEqual([]);
  });

  test('the mask keeps the separators and only the serial', () => {
    expect(hits(detectSsn, '234-56-7890')[0]?.masked).toBe('***-**-7890');
  });
});
