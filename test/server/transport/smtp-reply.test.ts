import { ehloExtensions, hasExtension, ReplyParser } from '../../../src/server/transport/smtp-reply';

const feed = (parser: ReplyParser, text: string) => parser.push(Buffer.from(text, 'latin1'));

describe('ReplyParser', () => {
  test('RFC 5321 §4.2.1: a multi-line reply completes on its last line, whatever the chunking', () => {
    const parser = new ReplyParser();
    expect(feed(parser, '220-first\r')).toEqual([]);
    expect(parser.hasPartialReply).toBe(true);
    expect(feed(parser, '\n220 last\r\n250 next\r\n')).toEqual([
      { code: 220, lines: ['first', 'last'] },
      { code: 250, lines: ['next'] },
    ]);
    expect(parser.hasPartialReply).toBe(false);
  });

  test('RFC 5321 §4.2: a code without text, and a bare LF line ending, are accepted', () => {
    expect(feed(new ReplyParser(), '250\n')).toEqual([{ code: 250, lines: [''] }]);
  });

  test('control characters in reply text cannot forge lines in a report', () => {
    expect(feed(new ReplyParser(), '220 a\rb\u001b[31m\r\n')).toEqual([{ code: 220, lines: ['a?b?[31m'] }]);
  });

  test('RFC 5321 §4.2.1: every line of a reply carries the same code', () => {
    expect(() => feed(new ReplyParser(), '250-a\r\n251 b\r\n')).toThrow(
      expect.objectContaining({ code: 'SMTP_MIXED_CODES' }),
    );
  });

  test.each(['HTTP/1.1 400 Bad Request', '600 nope', '22 short', '220x'])('"%s" is not SMTP', (line) => {
    expect(() => feed(new ReplyParser(), `${line}\r\n`)).toThrow(
      expect.objectContaining({ code: 'SMTP_NOT_SMTP' }),
    );
  });

  test('the line cap counts octets before the line ending', () => {
    expect(feed(new ReplyParser(), `220 ${'x'.repeat(996)}\r\n`)).toHaveLength(1);
    expect(() => feed(new ReplyParser(), `220 ${'x'.repeat(997)}\r\n`)).toThrow(
      expect.objectContaining({ code: 'SMTP_LINE_TOO_LONG' }),
    );
  });
});

describe('EHLO extensions', () => {
  test('RFC 5321 §4.1.1.1: keywords are case-insensitive, parameters kept', () => {
    const extensions = ehloExtensions({
      code: 250,
      lines: ['mx greets you', 'size 1000', 'StartTLS', 'AUTH PLAIN LOGIN'],
    });
    expect(extensions).toEqual(['SIZE 1000', 'STARTTLS', 'AUTH PLAIN LOGIN']);
    expect(hasExtension(extensions, 'STARTTLS')).toBe(true);
    expect(hasExtension(extensions, 'PLAIN')).toBe(false);
  });
});
