import {
  matchMx,
  parseStsPolicy,
  parseStsRecord,
  StsPolicyError,
  STS_POLICY_LINE_MAX,
  TXT_RECORD_MAX_OCTETS,
  type StsPolicyRule,
} from '../../../src/server/transport/mta-sts-parse';
import { STS_POLICY_MAX_BYTES } from '../../../src/server/transport/mta-sts-fetch';

const record = (...texts: string[]) => parseStsRecord(texts.map((text) => [text]));

describe('parseStsRecord', () => {
  test('RFC 8461 §3.1: reads the id of the one v=STSv1 record', () => {
    expect(record('v=STSv1; id=20160831085700Z;')).toEqual({ status: 'record', id: '20160831085700Z' });
  });

  test.each([
    'v=STSv1;id=abc',
    'v=STSv1; id=abc',
    'v=STSv1 ;id=abc ; ',
    'v=STSv1;\tid=abc;',
    'v=STSv1; id=abc;',
  ])('RFC 8461 §3.1: separators may carry WSP on either side (%j)', (text) => {
    expect(record(text)).toEqual({ status: 'record', id: 'abc' });
  });

  test('RFC 8461 §3.1: a record’s character-strings are joined without spaces', () => {
    expect(parseStsRecord([['v=STSv1; id=2016', '0831085700Z;']])).toEqual({
      status: 'record',
      id: '20160831085700Z',
    });
  });

  test.each([
    'v=STSv1; id=abc; ext=a:b',
    'v=STSv1; ext.name-1_x=https://x.example; id=abc',
    'v=STSv1; id=abc; ext=(x)',
  ])('RFC 8461 §3.1: extension fields are ignored (%j)', (text) => {
    expect(record(text)).toEqual({ status: 'record', id: 'abc' });
  });

  test('RFC 8461 §3.1: the first id wins', () => {
    expect(record('v=STSv1; id=first; id=second')).toEqual({ status: 'record', id: 'first' });
    expect(record('v=STSv1; id=x-y; id=abc')).toMatchObject({ status: 'invalid' });
  });

  test('RFC 8461 §3.1: an id of 32 letters and digits is the longest allowed', () => {
    expect(record(`v=STSv1; id=${'a'.repeat(32)}`)).toEqual({ status: 'record', id: 'a'.repeat(32) });
  });

  test.each([
    'v=STSv1;',
    'v=STSv1; id=',
    `v=STSv1; id=${'a'.repeat(33)}`,
    'v=STSv1; id=2016-08-31',
    'v=STSv1; id=1.2',
    'v=STSv1; id=abc def',
    'v=STSv1; id="abc"',
    'v=STSv1; ID=abc',
    'v=STSv1; id=abc ',
    'v=STSv1; ; id=abc',
    'v=STSv1; id=abc; =x',
  ])('RFC 8461 §3.1: %j is invalid', (text) => {
    expect(record(text)).toMatchObject({ status: 'invalid' });
  });

  test.each([
    'id=20180907T090909; v=STSv1;',
    'azazaza;asdasdasdasd',
    'v=STSv12;id=20180907T090909;',
    'v=stsv1; id=abc',
    'V=STSv1; id=abc',
    '  v=STSv1; id=abc',
    'v=STSv1',
    'v=STSv1-x; id=a',
    'v=spf1 -all',
  ])('RFC 8461 §3.1: %j is not an STS record at all', (text) => {
    expect(record(text)).toEqual({ status: 'none' });
    expect(record(text, 'v=STSv1; id=good')).toEqual({ status: 'record', id: 'good' });
  });

  test('RFC 8461 §3.1: no TXT records means no policy', () => {
    expect(parseStsRecord([])).toEqual({ status: 'none' });
  });

  test('RFC 8461 §3.1: two v=STSv1 records are treated as no policy', () => {
    expect(record('v=STSv1; id=a', 'v=STSv1; id=b')).toEqual({ status: 'multiple', count: 2 });
  });
});

const BASE = 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n';

function ruleBroken(text: string): StsPolicyRule | undefined {
  try {
    parseStsPolicy(text);
  } catch (error) {
    if (error instanceof StsPolicyError && error.code === 'STS_POLICY_INVALID') return error.rule;
    throw error;
  }
  return undefined;
}

describe('parseStsPolicy', () => {
  test('RFC 8461 §3.2: the RFC’s example policy', () => {
    const text =
      'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\n' +
      'max_age: 604800\r\n';
    expect(parseStsPolicy(text)).toEqual({
      version: 'STSv1',
      mode: 'enforce',
      maxAge: 604800,
      mx: ['mail.example.com', '*.example.net', 'backupmx.example.com'],
    });
  });

  test('RFC 8461 §3.2: lines end in LF or CRLF, the last one possibly in neither', () => {
    expect(parseStsPolicy(BASE.replace(/\r\n/g, '\n')).mode).toBe('enforce');
    expect(parseStsPolicy(BASE.trim()).maxAge).toBe(604800);
  });

  test('RFC 8461 §3.2: WSP after the colon and after the value is allowed', () => {
    expect(
      parseStsPolicy('version:STSv1 \nmode:\tenforce\t\nmx:  mail.example.com\nmax_age: 60  \n'),
    ).toEqual({
      version: 'STSv1',
      mode: 'enforce',
      maxAge: 60,
      mx: ['mail.example.com'],
    });
  });

  test('RFC 8461 §3.2: the first occurrence of a field wins', () => {
    expect(parseStsPolicy(BASE + 'mode: none\r\n').mode).toBe('enforce');
    expect(parseStsPolicy(BASE + 'max_age: 1\r\n').maxAge).toBe(604800);
    expect(parseStsPolicy(BASE + 'version: STSv2\r\n').version).toBe('STSv1');
    expect(ruleBroken('version: STSv2\r\n' + BASE)).toBe('version');
  });

  test('RFC 8461 §3.2: mx repeats; patterns are kept once, in lower case', () => {
    expect(parseStsPolicy(BASE + 'mx: *.Example.NET\r\nmx: MAIL.example.com\r\n').mx).toEqual([
      'mail.example.com',
      '*.example.net',
    ]);
  });

  test('RFC 8461 §3.2: unknown fields and lines that are not fields are ignored', () => {
    expect(parseStsPolicy(BASE + 'foo_bar: baz qux\r\nthis is not a field\r\n\r\n').mode).toBe('enforce');
  });

  test('RFC 8461 §3.2: mode none needs no mx', () => {
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 86400')).toEqual({
      version: 'STSv1',
      mode: 'none',
      maxAge: 86400,
      mx: [],
    });
  });

  test.each([
    ['garbage', 'version'],
    ['', 'version'],
    [BASE.replace('version: STSv1\r\n', ''), 'version'],
    [BASE.replace('STSv1', 'stsv1'), 'version'],
    ['\uFEFF' + BASE, 'version'],
    ['<html><body>version: STSv1<br>\nmode: enforce\nmx: a.example\nmax_age: 60</body></html>', 'version'],
    [BASE.replace('mode: enforce\r\n', ''), 'mode'],
    [BASE.replace('enforce', 'doubt'), 'mode'],
    [BASE.replace('enforce', 'ENFORCE'), 'mode'],
    [BASE.replace('mode:', 'MODE:'), 'mode'],
    [BASE.replace('mode:', 'mode :'), 'mode'],
    [BASE.replace('max_age: 604800\r\n', ''), 'max_age'],
    [BASE.replace('mx: mail.example.com\r\n', ''), 'mx'],
    [BASE.replace('mx: mail.example.com\r\n', '').replace('enforce', 'testing'), 'mx'],
  ])('RFC 8461 §3.2: %j breaks the %s rule', (text, rule) => {
    expect(ruleBroken(text)).toBe(rule);
  });

  test.each(['0', '31557600', '0000000060'])('RFC 8461 §3.2: max_age %j is allowed', (value) => {
    expect(parseStsPolicy(BASE.replace('604800', value)).maxAge).toBe(Number(value));
  });

  test.each(['31557601', 'xxx', '1e3', '0x10', '12.5', '+5', '-0', '', '00000000060', '5 5'])(
    'RFC 8461 §3.2: max_age %j is not 1*10DIGIT up to 31557600',
    (value) => {
      expect(ruleBroken(BASE.replace('604800', value))).toBe('max_age');
    },
  );

  test.each([
    'foo*.example.com',
    '*.*.example.com',
    '*',
    'mail.example.com.',
    'münchen.example',
    '-mail.example.com',
    'mail-.example.com',
    'mail_x.example.com',
    `${'a'.repeat(64)}.example.com`,
  ])('RFC 8461 §3.2: mx %j is not ["*."] Domain', (value) => {
    expect(ruleBroken(BASE.replace('mail.example.com', value))).toBe('mx');
  });

  test('RFC 8461 §3.2: A-label mx patterns are accepted', () => {
    expect(parseStsPolicy(BASE.replace('mail.example.com', 'xn--mnchen-3ya.example')).mx).toEqual([
      'xn--mnchen-3ya.example',
    ]);
  });

  test('the error says which rule and why', () => {
    expect(() => parseStsPolicy(BASE.replace('604800', '1e3'))).toThrow(
      expect.objectContaining({
        code: 'STS_POLICY_INVALID',
        rule: 'max_age',
        message: expect.stringContaining('1e3'),
      }),
    );
  });
});

describe('matchMx', () => {
  const patterns = ['*.example.com', 'mail.example.net', 'xn--mnchen-3ya.example', 'mx.xn--e1afmkfd.example'];

  test('RFC 8461 §4.1: wildcard matches exactly one left-most label', () => {
    expect(matchMx(patterns, 'mx.example.com')).toBe(true);
    expect(matchMx(patterns, 'example.com')).toBe(false);
    expect(matchMx(patterns, 'a.b.example.com')).toBe(false);
    expect(matchMx(patterns, 'xexample.com')).toBe(false);
    expect(matchMx(patterns, '.example.com')).toBe(false);
    expect(matchMx(patterns, '*.example.com')).toBe(false);
  });

  test('RFC 8461 §4.1: exact names compare case-insensitively and nothing more', () => {
    expect(matchMx(patterns, 'Mail.Example.NET')).toBe(true);
    expect(matchMx(patterns, 'x.mail.example.net')).toBe(false);
    expect(matchMx(patterns, 'mail.example.ne')).toBe(false);
    expect(matchMx(patterns, '')).toBe(false);
    expect(matchMx(['MAIL.EXAMPLE.NET'], 'mail.example.net')).toBe(true);
  });

  test('RFC 8461 §4.1: the MX name’s root dot does not matter', () => {
    expect(matchMx(patterns, 'mail.example.net.')).toBe(true);
    expect(matchMx(patterns, 'mx.example.com.')).toBe(true);
  });

  test('RFC 8461 §4.1: U-label MX names compare as A-labels', () => {
    expect(matchMx(patterns, 'münchen.example')).toBe(true);
    expect(matchMx(patterns, 'mx.пример.example')).toBe(true);
  });

  test('patterns outside the grammar never match', () => {
    expect(matchMx(['foo*.example.com', '*', ''], 'foo1.example.com')).toBe(false);
    expect(matchMx([], 'mail.example.net')).toBe(false);
  });
});

/**
 * Hostile input: remote parties choose these texts, and one slow parse blocks every sender's check. The budget is
 * generous (1 s for what takes about a millisecond); the backtracking parsers these tests replaced took hours.
 */
function withinBudget<T>(parse: () => T): T {
  const started = performance.now();
  const result = parse();
  expect(performance.now() - started).toBeLessThan(1000);
  return result;
}

/** `prefix` followed by `filler` repeated until the whole is `size` characters long. */
function padded(prefix: string, filler: string, size: number, suffix = ''): string {
  const room = size - prefix.length - suffix.length;
  return prefix + filler.repeat(Math.floor(room / filler.length)) + suffix;
}

describe('hostile policies and records are read in linear time', () => {
  test('RFC 8461 §3.2: a 64 KiB policy line of "mx:", spaces, CR and "x" makes the policy invalid at once', () => {
    const line = padded('mx:', ' ', STS_POLICY_MAX_BYTES - BASE.length - 2, '\rx');
    expect(() => withinBudget(() => parseStsPolicy(BASE + line))).toThrow(
      expect.objectContaining({
        rule: 'line',
        message: `line 5 of the policy is ${line.length} characters long, more than the 512 allowed`,
      }),
    );
  });

  test(`RFC 8461 §3.2: a line of ${STS_POLICY_LINE_MAX} characters is read, a longer one is refused`, () => {
    expect(parseStsPolicy(BASE + padded('ext: ', 'x', STS_POLICY_LINE_MAX))).toMatchObject({
      mode: 'enforce',
    });
    expect(ruleBroken(BASE + padded('ext: ', 'x', STS_POLICY_LINE_MAX + 1))).toBe('line');
    expect(ruleBroken(`${padded('ext: ', 'x', STS_POLICY_LINE_MAX)}\r\n${BASE}`)).toBeUndefined();
  });

  /** A policy of BASE, then as many copies of `line` (each at the line cap) as fit in 64 KiB. */
  const filledWith = (line: string) =>
    BASE + `${line}\n`.repeat(Math.floor((STS_POLICY_MAX_BYTES - BASE.length) / (line.length + 1)));

  test.each([
    ['"mx:", spaces, CR and "x" (not a field)', padded('mx:', ' ', STS_POLICY_LINE_MAX, '\rx'), undefined],
    ['"mx:" and spaces (an empty mx)', padded('mx:', ' ', STS_POLICY_LINE_MAX), 'mx'],
    ['tabs and spaces around an mx value', padded('mx:', ' \t', STS_POLICY_LINE_MAX, 'a. b'), 'mx'],
    ['an mx value of 500 characters', padded('mx: ', 'a.', STS_POLICY_LINE_MAX, 'a'), 'mx'],
    ['colons without a name', ':'.repeat(STS_POLICY_LINE_MAX), undefined],
    ['extension lines of words', padded('ext: ', 'x ', STS_POLICY_LINE_MAX), undefined],
  ])('RFC 8461 §3.2: 64 KiB of lines at the cap, each %s', (_, line, rule) => {
    expect(withinBudget(() => ruleBroken(filledWith(line)))).toBe(rule);
  });

  test('RFC 8461 §3.2: 64 KiB of short mx lines are read, each pattern kept once', () => {
    const lines = padded('', 'mx: a.example\n', STS_POLICY_MAX_BYTES - BASE.length);
    expect(withinBudget(() => parseStsPolicy(BASE + lines)).mx).toEqual(['mail.example.com', 'a.example']);
  });

  test('RFC 8461 §3.2 with RFC 5321 §4.5.3.1.2: an mx domain of more than 253 characters (255 octets on the wire) is invalid', () => {
    const longest = `*.${Array(4).fill('a'.repeat(63)).join('.').slice(0, 253)}`;
    expect(parseStsPolicy(BASE.replace('mail.example.com', longest)).mx).toEqual([longest]);
    expect(ruleBroken(BASE.replace('mail.example.com', `${longest}a`))).toBe('mx');
    expect(ruleBroken(BASE.replace('mail.example.com', `a${longest.slice(2)}`))).toBe('mx');
  });

  test('a rule broken by a long value quotes only its start', () => {
    expect(() => parseStsPolicy(BASE.replace('enforce', 'x'.repeat(500)))).toThrow(
      expect.objectContaining({ rule: 'mode', message: expect.stringMatching(/^mode "x{100}…" must be/) }),
    );
  });

  test(`RFC 8461 §3.1: a record over ${TXT_RECORD_MAX_OCTETS} octets is invalid, and says so`, () => {
    const long = padded('v=STSv1; id=abc; ext=', 'a', 60 * 1024);
    expect(withinBudget(() => record(long))).toEqual({
      status: 'invalid',
      reason: `the record is ${60 * 1024} octets long, more than the ${TXT_RECORD_MAX_OCTETS} read`,
    });
    const longest = padded('v=STSv1; id=abc; ext=', 'a', TXT_RECORD_MAX_OCTETS);
    expect(record(longest)).toEqual({ status: 'record', id: 'abc' });
  });

  test('RFC 8461 §3.1: 60 KB records of 255-octet strings full of spaces are read quickly', () => {
    const filled = (first: string) => [padded(first, ' ', 255), ...Array(239).fill(' '.repeat(255))];
    expect(withinBudget(() => parseStsRecord([filled('v=STSv1')]))).toEqual({ status: 'none' });
    expect(withinBudget(() => parseStsRecord([filled('v=STSv1;')]))).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining('61200 octets'),
    });
  });

  test.each([
    [padded('v=STSv1;', ' ', TXT_RECORD_MAX_OCTETS, 'id=abc'), { status: 'record', id: 'abc' }],
    [padded('v=STSv1', ' ', TXT_RECORD_MAX_OCTETS, ';id=abc'), { status: 'record', id: 'abc' }],
    [padded('v=STSv1', ' ', TXT_RECORD_MAX_OCTETS), { status: 'none' }],
    [padded('v=STSv1', '; ', TXT_RECORD_MAX_OCTETS, 'id=abc'), { status: 'invalid' }],
  ])('RFC 8461 §3.1: WSP runs around separators up to the cap (%#)', (text, expected) => {
    expect(withinBudget(() => record(text))).toMatchObject(expected);
  });
});
