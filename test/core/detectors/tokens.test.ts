import { findNumberRuns } from '../../../src/core/detectors/tokens';

const runsOf = (text: string) => findNumberRuns(text).runs.map((run) => text.slice(run.start, run.end));

describe('tokenising numbers', () => {
  test('groups joined by single spaces or single hyphens form one run', () => {
    expect(runsOf('pay 4242 4242 4242 4242 or 123-45-6789 now')).toEqual([
      '4242 4242 4242 4242',
      '123-45-6789',
    ]);
  });

  test('two spaces, a newline or other punctuation end a run', () => {
    expect(runsOf('1234  5678\n9012, 3456')).toEqual(['1234', '5678', '9012', '3456']);
  });

  test('a change of separator ends a run, and hyphens bind tighter than spaces', () => {
    expect(runsOf('234-56-7890 4242424242424242')).toEqual(['234-56-7890', '4242424242424242']);
    expect(runsOf('Ref 12 234-56-7890')).toEqual(['12', '234-56-7890']);
  });

  test('a group glued to a neighbouring token is dropped from the end of a run', () => {
    expect(runsOf('4242424242424242 12/26')).toEqual(['4242424242424242']);
    expect(runsOf('on 12/26 4242424242424242')).toEqual(['4242424242424242']);
  });

  test.each(['SKU4242424242424242', 'v2.123456789', 'INV-2025-000123', '4242424242424242.50', '123_456789'])(
    'digits that are part of another token are no run: %s',
    (text) => {
      expect(runsOf(text)).toEqual([]);
    },
  );

  test('a run of more than five groups keeps only its long, space-separated groups', () => {
    expect(runsOf('1 2 3 4242424242424242 5 6 7')).toEqual(['4242424242424242']);
    expect(runsOf('1-2-3-4242424242424242-5-6-7')).toEqual([]);
  });

  test('one to three capital letters glued to the front make a prefixed run', () => {
    const text = 'DL D1234567, OH AB123456, no ABCD1234567, no xD1234567';
    const { prefixedRuns } = findNumberRuns(text);
    expect(prefixedRuns.map((run) => [run.prefix, text.slice(run.start, run.end)])).toEqual([
      ['D', 'D1234567'],
      ['AB', 'AB123456'],
    ]);
  });
});
