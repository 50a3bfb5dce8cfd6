import { SendguardError } from '../../src/core/errors';
import { UsageError } from '../../src/cli/io';
import { runCli } from '../helpers/cli';

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

  test("an option the command does not know: exit status 2, in Node's words", async () => {
    const { code, stderr } = await runCli(['manifest', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^sendguard manifest: Unknown option '--frobnicate'/);
  });

  test('an input file that does not exist: exit status 1', async () => {
    const { code, stderr } = await runCli(['headers', '/nonexistent/message.eml']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sendguard headers: .*ENOENT/);
  });
});
