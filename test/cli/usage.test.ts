import { join } from 'node:path';
import { renderManifest } from '../../src/core/deployment';
import { SendguardError } from '../../src/core/errors';
import { UsageError } from '../../src/cli/io';
import { runCli } from '../helpers/cli';

const SAMPLE = join(__dirname, '..', '..', 'examples', 'assessments.json');

describe('failures the user can fix: a message without a stack trace, and the exit status', () => {
  test('a usage error is a SendguardError with the stable code USAGE', () => {
    const error = new UsageError('--base-url is required');
    expect(error).toBeInstanceOf(SendguardError);
    expect(error).toMatchObject({ code: 'USAGE', exitCode: 2, name: 'UsageError' });
    expect(new UsageError('a.json: not JSON', 1).exitCode).toBe(1);
  });

  test('a bad --timeout: exit status 2, naming the option', async () => {
    const { code, stderr } = await runCli(['keys', 'ann@example.org', '--timeout', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'sendguard keys: --timeout must be whole milliseconds from 100 to 600000, not "soon"\n',
    );
  });

  test("--help (or -h) among any command's options prints its help; after -- it is an operand", async () => {
    for (const name of ['check', 'headers', 'keys', 'manifest', 'plan', 'serve', 'token']) {
      const { code, stdout } = await runCli([name, '--json', '-h']);
      expect({ name, code, usage: stdout.startsWith(`Usage: sendguard ${name}`) }).toEqual({
        name,
        code: 0,
        usage: true,
      });
    }
    const operand = await runCli(['headers', '--', '-h']);
    expect(operand.code).toBe(1);
    expect(operand.stderr).toContain('-h: ENOENT');
  });

  test('token without an action: exit status 2, saying which actions there are', async () => {
    const { code, stderr } = await runCli(['token']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^sendguard token: give an action: issue, list or revoke\n\nUsage: sendguard token/,
    );
  });

  test("an option the command does not know: exit status 2, in Node's words", async () => {
    const { code, stderr } = await runCli(['manifest', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^sendguard manifest: Unknown option '--frobnicate'/);
  });

  test('an input file that cannot be read, whichever option names it: exit status 1, naming the file', async () => {
    const runs = [
      ['headers', '/nonexistent/message.eml'],
      ['plan', '--to', 'a@b.example', '--assessments', '/nonexistent/a.json'],
      ['plan', '--to', 'a@b.example', '--assessments', SAMPLE, '--body', '/nonexistent/body.txt'],
      ['plan', '--to', 'a@b.example', '--assessments', SAMPLE, '--policy', '/nonexistent/policy.yaml'],
      ['keys', 'a@b.example', '--ca-file', '/nonexistent/ca.pem'],
    ];
    for (const args of runs) {
      const { code, stderr } = await runCli(args);
      const file = args.find((arg) => arg.startsWith('/nonexistent/'))!;
      expect({ args, code, stderr }).toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`${file}: ENOENT`),
      });
    }
  });

  test('a base URL Outlook cannot use: exit status 1, with the typed error of core/deployment', async () => {
    expect(() => renderManifest('', { baseUrl: 'http://x.example' })).toThrow(
      expect.objectContaining({ code: 'MANIFEST_BASE_URL_INVALID' }),
    );
    const { code, stderr } = await runCli(['manifest', '--base-url', 'http://x.example']);
    expect(code).toBe(1);
    expect(stderr).toBe("sendguard manifest: the manifest's base URL must use https, not http:\n");
  });
});
