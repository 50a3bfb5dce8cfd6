import { abaChecksumValid, detectAbaRouting } from '../../../src/core/detectors/aba-routing';
import { hits, spans } from './helpers';

const found = (text: string) => spans(detectAbaRouting, text);

/** Completes eight digits with the check digit that satisfies the 3-7-1 checksum. */
function withCheckDigit(body: string): string {
  const digit = [...'0123456789'].find((candidate) => abaChecksumValid(body + candidate));
  return body + (digit ?? '');
}

describe('ABA routing numbers', () => {
  test.each(['Routing number: ', 'ABA ', 'RTN#', 'transit/routing no. ', 'ROUTING '])(
    'a valid number counts after the keyword %j',
    (keyword) => {
      expect(found(`${keyword}011000015`)).toEqual(['011000015']);
      expect(found(`${keyword}021000021`)).toEqual(['021000021']);
    },
  );

  test('a valid number without a keyword is not reported (one nine-digit number in ten passes)', () => {
    expect(found('Ticket 021000021 closed')).toEqual([]);
  });

  test('a checksum failure is not a routing number', () => {
    expect(found('routing 021000022')).toEqual([]);
  });

  test.each(['00', '12', '21', '32', '61', '72', '80'])(
    'the prefix %s is a Federal Reserve range',
    (prefix) => {
      const number = withCheckDigit(`${prefix}100001`);
      expect(found(`routing ${number}`)).toEqual([number]);
    },
  );

  test.each(['13', '20', '33', '60', '73', '79', '81', '99'])('the prefix %s is not assigned', (prefix) => {
    expect(found(`routing ${withCheckDigit(`${prefix}100001`)}`)).toEqual([]);
  });

  test.each(['000000000', '0210000210', '02100002', '021-000-021'])('%s is not a routing number', (text) => {
    expect(found(`routing ${text}`)).toEqual([]);
  });

  test('the mask keeps the last four digits', () => {
    expect(hits(detectAbaRouting, 'ABA 021000021')[0]?.masked).toBe('routing number ending 0021');
  });
});
