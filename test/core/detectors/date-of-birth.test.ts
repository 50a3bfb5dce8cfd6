import { detectDatesOfBirth, isPlausibleBirthDate } from '../../../src/core/detectors/date-of-birth';
import { hits, NOW, spans } from './helpers';

const found = (text: string, now = NOW) => spans(detectDatesOfBirth, text, now);

describe('dates of birth', () => {
  test.each([
    '04/12/1988',
    '4/2/1988',
    '12.04.1988',
    '28-02-1988',
    '04/12/88',
    '1988-04-12',
    '1988/04/12',
    '12 April 1988',
    '3rd Apr. 1988',
    '12-Apr-1988',
    'April 12, 1988',
    'Sept 9 1988',
  ])('the format %s is found', (date) => {
    expect(found(`DOB: ${date}`)).toEqual([date]);
  });

  test.each([
    'DOB ',
    'D.O.B. ',
    'Date of birth: ',
    'birth date ',
    'Birthdate: ',
    'born on ',
    'Born ',
    'Geburtsdatum: ',
  ])('the keyword %j counts', (keyword) => {
    expect(found(`${keyword}04/12/1988`)).toEqual(['04/12/1988']);
  });

  test('a date without a keyword is not reported', () => {
    expect(found('Meeting on 04/12/1988')).toEqual([]);
  });

  test('a day-first date that is no month-first date is still found (31/12/1988)', () => {
    expect(found('DOB 31/12/1988')).toEqual(['31/12/1988']);
  });

  test.each(['31/31/1988', '1988-02-30', '30 February 1988', '1988-13-01', '12 Smarch 1988', '04/12/988'])(
    '%s is not a calendar day',
    (date) => {
      expect(found(`DOB ${date}`)).toEqual([]);
    },
  );

  test('a birth date is not in the future', () => {
    expect(found('DOB 2025-06-01')).toEqual(['2025-06-01']);
    expect(found('DOB 2025-06-02')).toEqual([]);
  });

  test('a birth date is at most 130 years ago', () => {
    expect(isPlausibleBirthDate({ year: 1895, month: 6, day: 1 }, NOW)).toBe(true);
    expect(isPlausibleBirthDate({ year: 1895, month: 5, day: 31 }, NOW)).toBe(false);
  });

  test('a two-digit year is the latest one not in the future', () => {
    expect(found('DOB 01/02/25')).toEqual(['01/02/25']);
    expect(found('DOB 01/02/26', new Date('2026-06-01T00:00:00Z'))).toEqual(['01/02/26']);
    expect(found('DOB 07/08/26')).toEqual(['07/08/26']);
  });

  test('a timestamp is not a date of birth', () => {
    expect(found('born 2024-03-15T10:30:00Z')).toEqual([]);
  });

  test('the mask hides every digit and letter of the date', () => {
    expect(hits(detectDatesOfBirth, 'DOB: April 12, 1988')[0]?.masked).toBe('***** **, ****');
  });
});
