import { detectPaymentCards, luhnValid } from '../../../src/core/detectors/payment-card';
import { hits, spans } from './helpers';

const found = (text: string) => spans(detectPaymentCards, text);

/** Completes a number with the check digit that makes it Luhn-valid. */
function withCheckDigit(body: string): string {
  const digit = [...'0123456789'].find((candidate) => luhnValid(body + candidate));
  return body + (digit ?? '');
}

describe('payment cards', () => {
  test.each([
    ['4242424242424242', 'Visa'],
    ['4222222222222', 'Visa'],
    ['5555555555554444', 'Mastercard'],
    ['2223003122003222', 'Mastercard'],
    ['378282246310005', 'American Express'],
    ['371449635398431', 'American Express'],
    ['6011111111111117', 'Discover'],
    ['6445644564456445', 'Discover'],
    ['3566002020360505', 'JCB'],
    ['36227206271667', 'Diners Club'],
    ['3056930009020004', 'Diners Club'],
    ['6200000000000005', 'UnionPay'],
  ])('the test number %s is found as %s', (number, issuer) => {
    const [hit] = hits(detectPaymentCards, `card ${number} please`);
    expect(hit?.label).toBe(`Payment card number (${issuer})`);
    expect(hit?.masked).toBe(`card ending ${number.slice(-4)}`);
  });

  test.each(['4242 4242 4242 4242', '4242-4242-4242-4242', '3782 822463 10005', '3622 720627 1667'])(
    'the printed grouping %s is found whole',
    (number) => {
      expect(found(`pay with ${number}.`)).toEqual([number]);
    },
  );

  test.each(['4242 4242-4242 4242', '42424 24242 424242', '424 2424 2424 24242'])(
    'an unusual grouping %s is not a card',
    (number) => {
      expect(found(number)).toEqual([]);
    },
  );

  test('a card followed by its expiry date is still found', () => {
    expect(found('4242424242424242 12/26')).toEqual(['4242424242424242']);
  });

  test('a Luhn failure is not a card', () => {
    expect(found('4242 4242 4242 4241')).toEqual([]);
  });

  test.each([
    ['no issuer starts with 1', withCheckDigit('123456781234567')],
    ['Mastercard 2220 is below the 2-series range', withCheckDigit('222000000000000')],
    ['Mastercard 2721 is above the 2-series range', withCheckDigit('272100000000000')],
    ['Visa has no 15-digit numbers', withCheckDigit('42424242424242')],
    ['American Express has no 16-digit numbers', withCheckDigit('378282246310005')],
    ['it is an ISBN-13 (prefix 97)', '9780306406164'],
  ])('a Luhn-valid number is rejected when %s', (_reason, number) => {
    expect(luhnValid(number)).toBe(true);
    expect(found(number)).toEqual([]);
  });

  test.each([withCheckDigit('222100000000000'), withCheckDigit('272000000000000')])(
    'Mastercard 2-series boundary %s is a card',
    (number) => {
      expect(found(number)).toEqual([number]);
    },
  );

  test.each([
    '42424242424242424242',
    '4242 4242 4242 4242 4242',
    '94001118992231234567 4242',
    '112-4242424242424242',
    'SKU4242424242424242',
    'v1.4242424242424242',
    '4242424242424242.50',
  ])('digits embedded in a longer number are not a card: %s', (text) => {
    expect(found(text)).toEqual([]);
  });

  test('no all-same-digit number of card length is reported', () => {
    const fillers = [...'0123456789'].flatMap((digit) =>
      [13, 14, 15, 16, 17, 18, 19].map((length) => digit.repeat(length)),
    );
    expect(fillers.flatMap((filler) => found(filler))).toEqual([]);
  });
});
