import { splitHeaderBlock, receivedReport } from '../../../src/core/received';
import { MAX_HEADER_CHARS, MAX_HEADER_FIELDS } from '../../../src/core/received/header-block';

describe('splitHeaderBlock (RFC 5322 §2.2)', () => {
  test('§2.2.3: unfolds CRLF followed by white space, keeping the white space', () => {
    const { fields } = splitHeaderBlock(
      'Received: from a\r\n\tby b\r\n with ESMTP; 1 Jan 2026\r\nSubject: x\r\n\r\nbody',
    );
    expect(fields).toEqual([
      { name: 'Received', value: ' from a\tby b with ESMTP; 1 Jan 2026' },
      { name: 'Subject', value: ' x' },
    ]);
  });

  test('tolerates bare LF line ends', () => {
    expect(splitHeaderBlock('A: 1\n  2\nB: 3\n').fields).toEqual([
      { name: 'A', value: ' 1  2' },
      { name: 'B', value: ' 3' },
    ]);
  });

  test('§2.1: stops at the first empty line; a body that looks like headers is not read', () => {
    const { fields } = splitHeaderBlock('Subject: x\n\nReceived: from evil by body with ESMTPS\n');
    expect(fields.map((f) => f.name)).toEqual(['Subject']);
  });

  test('headers alone, without a body or a final empty line', () => {
    expect(splitHeaderBlock('Received: from a by b with SMTP').fields).toHaveLength(1);
  });

  test('§4.5.3: white space before the colon; an mbox From line and a byte order mark are skipped', () => {
    const { fields } = splitHeaderBlock(
      '\uFEFFFrom ann@sender.example Mon Nov 30 10:02:03 2026\nReceived : from a by b\n',
    );
    expect(fields).toEqual([{ name: 'Received', value: ' from a by b' }]);
  });

  test('a line that is neither a field nor a continuation is dropped, with its continuations', () => {
    const { fields } = splitHeaderBlock('A: 1\nnot a field\n continued\nB: 2\n');
    expect(fields).toEqual([
      { name: 'A', value: ' 1' },
      { name: 'B', value: ' 2' },
    ]);
  });

  test('a continuation before any field is dropped', () => {
    expect(splitHeaderBlock(' orphan\nA: 1\n').fields).toEqual([{ name: 'A', value: ' 1' }]);
  });

  test('no header block: empty text, or text without a field', () => {
    expect(splitHeaderBlock('').fields).toEqual([]);
    expect(splitHeaderBlock('just some words\nand more').fields).toEqual([]);
  });

  test(`reads at most ${MAX_HEADER_FIELDS} fields and says it was cut`, () => {
    const block = splitHeaderBlock('X: y\n'.repeat(MAX_HEADER_FIELDS + 5));
    expect(block.fields).toHaveLength(MAX_HEADER_FIELDS);
    expect(block.truncated).toBe(true);
  });

  test(`reads at most ${MAX_HEADER_CHARS} characters and says it was cut`, () => {
    const block = splitHeaderBlock(`X: ${'a'.repeat(MAX_HEADER_CHARS)}\n`);
    expect(block.fields[0]!.value.length).toBeLessThan(MAX_HEADER_CHARS);
    expect(block.truncated).toBe(true);
    expect(receivedReport(`X: ${'a'.repeat(MAX_HEADER_CHARS)}\n`).caveats.join(' ')).toContain(
      'reading limit',
    );
  });

  test('a block ended by an empty line within the limit is not cut, however long the body', () => {
    expect(splitHeaderBlock(`A: 1\n\n${'b'.repeat(MAX_HEADER_CHARS)}`).truncated).toBe(false);
  });
});
