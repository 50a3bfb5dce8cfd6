import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headersCommand } from '../../src/cli/commands/headers';
import { UsageError, type CliIo } from '../../src/cli/io';
import { runCli } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';

const FIXTURES = join(__dirname, '..', 'fixtures', 'received');

async function run(args: string[]) {
  let stdout = '';
  const io: CliIo = {
    out: (text) => void (stdout += text),
    err: () => undefined,
    readFile: (path) => readFile(path, 'utf8'),
    env: {},
  };
  try {
    return { code: await headersCommand(args, io), stdout, error: undefined };
  } catch (error) {
    return { code: error instanceof UsageError ? error.exitCode : -1, stdout, error: error as Error };
  }
}

describe('sendguard headers', () => {
  test('prints one line per hop, the summary and the caveats', async () => {
    const { code, stdout } = await run([join(FIXTURES, 'postfix-amavis-dovecot.eml')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /2\. smtp\.sender\.example → mx\.recipient\.example\s+TLS 1\.2 \(ECDHE-RSA-AES256-GCM-SHA384\)\s+2026-11-30 10:02:03Z/,
    );
    expect(stdout).toContain(
      'Encrypted on every hop the headers record (2 of 2); 3 local hand-offs not counted.',
    );
    expect(stdout).toContain("only the lines written by your own organisation's servers can be trusted");
  });

  test('names the plain hops', async () => {
    const { stdout } = await run([join(FIXTURES, 'lying-helo.eml')]);
    expect(stdout).toMatch(/1\. localhost → relay\.partner\.example\s+NOT ENCRYPTED/);
    expect(stdout).toContain('NOT encrypted on 2 of 2 hops the headers record (hops 1, 2)');
  });

  test('--json prints exactly one object with hops, summary and caveats', async () => {
    const { code, stdout } = await run([join(FIXTURES, 'microsoft365-inbound.eml'), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(['caveats', 'hops', 'summary']);
    expect(report.summary).toBe('all-tls');
    expect(report.hops[1]).toMatchObject({
      from: 'smtp.sender.example',
      by: 'AM4PEPF00027A5F.mail.protection.outlook.com',
      date: '2026-11-30T10:02:03Z',
      tls: 'tls1.3',
      version: 'TLS1_3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      fromAddress: '192.0.2.25',
    });
  });

  test('headers without a body, and a message without Received lines, still give a report', async () => {
    const dir = scratchDir('headers');
    await writeFile(join(dir, 'draft.eml'), 'Subject: draft\r\n');
    const { code, stdout } = await run([join(dir, 'draft.eml')]);
    expect(code).toBe(0);
    expect(stdout).toContain('The headers record no hop between servers.');
  });

  test('control characters and bidirectional overrides in header text are not passed to the terminal', async () => {
    const dir = scratchDir('headers');
    await writeFile(
      join(dir, 'evil.eml'),
      'Received: from ev\u001b[2Jil\u202eexample (x [203.0.113.5]) by mx with ESMTP; 1 Jan 2026 00:00:00 +0000\n',
    );
    const { stdout } = await run([join(dir, 'evil.eml')]);
    expect(stdout).toContain('ev?[2Jil?example');
    expect(stdout.includes('\u001b') || stdout.includes('\u202e')).toBe(false);
  });

  test('exit 1 when the file cannot be read', async () => {
    const { code, error } = await run([join(FIXTURES, 'no-such-file.eml')]);
    expect(code).toBe(1);
    expect(error!.message).toContain('no-such-file.eml');
  });

  test('exit 1 when the file is a directory', async () => {
    expect((await run([FIXTURES])).code).toBe(1);
  });

  test('exit 1 when the file holds no header block', async () => {
    const dir = scratchDir('headers');
    await writeFile(join(dir, 'notes.txt'), 'just some words\nno fields here\n');
    const { code, error } = await run([join(dir, 'notes.txt')]);
    expect(code).toBe(1);
    expect(error!.message).toContain('no header block');
  });

  test('exit 2 without a file or with two', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['a.eml', 'b.eml'])).code).toBe(2);
  });

  test('--help', async () => {
    const { code, stdout } = await runCli(['headers', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: sendguard headers FILE.eml [--json]');
  });
});
