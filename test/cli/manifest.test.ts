import { runCli } from '../helpers/cli';

describe('sendguard manifest', () => {
  test('--client-id names the app registration; the resource and the scope default as the service has them', async () => {
    const client = '99999999-8888-7777-6666-555555555555';
    const base = ['manifest', '--base-url', 'https://sendguard.example.org', '--client-id', client];
    const defaults = await runCli(base);
    expect(defaults.code).toBe(0);
    expect(defaults.stdout).toContain(`<Resource>api://sendguard.example.org/${client}</Resource>`);
    expect(defaults.stdout).toContain('<Scope>access_as_user</Scope>');
    const named = await runCli([...base, '--scope', 'Sendguard.Use']);
    expect(named.stdout).toContain('<Scope>Sendguard.Use</Scope>');
    expect(named.stdout).not.toContain('access_as_user');
  });

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
