import { runCli } from '../helpers/cli';

describe('sendguard manifest', () => {
  test('renders the manifest for the deployment and its send mode', async () => {
    const { code, stdout } = await runCli([
      'manifest',
      '--base-url',
      'https://sendguard.example.org/',
      '--send-mode',
      'Block',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '<SourceLocation DefaultValue="https://sendguard.example.org/addin/taskpane.html"/>',
    );
    expect(stdout).toContain('SendMode="Block"');
    expect(stdout).not.toContain('https://localhost:3000');
  });

  test('refuses a base URL Outlook cannot load, and a missing one', async () => {
    const plain = await runCli(['manifest', '--base-url', 'http://sendguard.example.org']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('must use https');
    expect((await runCli(['manifest'])).code).toBe(2);
    const unknownMode = await runCli(['manifest', '--base-url', 'https://x.example', '--send-mode', 'Maybe']);
    expect(unknownMode).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown send mode "Maybe": Outlook knows SoftBlock and Block'),
    });
  });
});
