import {
  ehloExtensions,
  hasExtension,
  ReplyParser,
  REPLY_LIMITS,
  type SmtpReply,
} from '../../../src/server/transport/smtp-reply';

/** The longest reply text after `220 `: the line cap less the code, separator and CRLF. */
const LONGEST_TEXT = REPLY_LIMITS.maxLineOctets - 6;

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

  test('a reply line of 2048 octets, code and CRLF included (Postfix line_length_limit), is the longest read', () => {
    expect(feed(new ReplyParser(), `220 ${'x'.repeat(LONGEST_TEXT)}\r\n`)).toHaveLength(1);
    expect(() => feed(new ReplyParser(), `220 ${'x'.repeat(LONGEST_TEXT + 1)}\r\n`)).toThrow(
      expect.objectContaining({ code: 'SMTP_LINE_TOO_LONG' }),
    );
  });

  test('RFC 5321 §4.5.3.1.5: a bare LF ending counts as the CRLF it stands for', () => {
    expect(feed(new ReplyParser(), `220 ${'x'.repeat(LONGEST_TEXT)}\n`)).toHaveLength(1);
    expect(() => feed(new ReplyParser(), `220 ${'x'.repeat(LONGEST_TEXT + 1)}\n`)).toThrow(
      expect.objectContaining({ code: 'SMTP_LINE_TOO_LONG' }),
    );
  });

  test('a line is refused once it is too long, before it ends, whatever the chunking', () => {
    const parser = new ReplyParser();
    expect(feed(parser, `220 ${'x'.repeat(LONGEST_TEXT - 100)}`)).toEqual([]);
    expect(() => feed(parser, 'x'.repeat(200))).toThrow(
      expect.objectContaining({ code: 'SMTP_LINE_TOO_LONG' }),
    );
  });

  test('a reply is at most 100 lines, and a connection at most 64 KiB', () => {
    expect(feed(new ReplyParser(), '250-x\r\n'.repeat(99) + '250 x\r\n')).toEqual([
      { code: 250, lines: Array(100).fill('x') },
    ]);
    expect(() => feed(new ReplyParser(), '250-x\r\n'.repeat(100) + '250 x\r\n')).toThrow(
      expect.objectContaining({ code: 'SMTP_TOO_MANY_LINES' }),
    );
    const parser = new ReplyParser();
    const reply = `250 ${'x'.repeat(400)}\r\n`;
    for (let sent = 0; sent + reply.length <= 64 * 1024; sent += reply.length) feed(parser, reply);
    expect(() => feed(parser, reply)).toThrow(expect.objectContaining({ code: 'SMTP_TOO_MUCH_DATA' }));
  });

  test('a reply that arrives one octet at a time reads the same as in one piece', () => {
    const text = `250-mx.example greets you\r\n250-${' '.repeat(400)}SIZE 10\r\n250 STARTTLS\r\n`;
    const parser = new ReplyParser();
    const replies = [...Buffer.from(text)].flatMap((octet) => parser.push(Buffer.from([octet])));
    expect(replies).toEqual(feed(new ReplyParser(), text));
    expect(ehloExtensions(replies[0] as SmtpReply)).toEqual(['SIZE 10', 'STARTTLS']);
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
