import { parseConfig } from '../../src/server/config/load';
import { createServer } from '../../src/server/serve';
import { runCli } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';

describe('sendguard token', () => {
  test('an issued admin token is accepted by the service; a revoked one is not', async () => {
    const dataDir = scratchDir('token');
    const env = { SENDGUARD_DATA_DIR: dataDir };
    const issued = await runCli(['token', 'issue', '--name', 'first admin', '--role', 'admin'], env);
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^sg_[A-Za-z0-9_-]{40,}$/);
    expect(issued.stderr).toContain('not shown again');

    const listed = await runCli(['token', 'list'], env);
    expect(listed.stdout).toMatch(/admin +\S+ {2}active {2}first admin/);
    expect(listed.stdout).not.toContain(token);

    const server = await createServer(parseConfig({ dataDir, tls: { enabled: false }, logLevel: 'silent' }));
    try {
      const ask = () =>
        server.app.inject({
          method: 'GET',
          url: '/api/v1/admin/keyring',
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await ask()).statusCode).toBe(200);
      const id = listed.stdout.split(/\s+/)[0]!;
      expect((await runCli(['token', 'revoke', id], env)).code).toBe(0);
      expect((await ask()).statusCode).toBe(401);
    } finally {
      await server.close();
    }
  });

  test('--owner names the person the token acts for; the list shows them; a token without one shows "-"', async () => {
    const env = { SENDGUARD_DATA_DIR: scratchDir('token') };
    const issued = await runCli(
      ['token', 'issue', '--name', 'ana', '--owner', 'Ana Example <Ana@Example.ORG>'],
      env,
    );
    expect(issued.stderr).toContain('owner Ana Example <ana@example.org>');
    await runCli(['token', 'issue', '--name', 'ci'], env);
    const listed = (await runCli(['token', 'list'], env)).stdout.split('\n');
    expect(listed[0]).toMatch(/ {2}ana {2}\(owner Ana Example <ana@example\.org>\)$/);
    expect(listed[1]).toMatch(/ {2}ci {2}\(owner -\)$/);
  });

  test('an owner that is not one mailbox is a usage error saying what an owner looks like', async () => {
    const env = { SENDGUARD_DATA_DIR: scratchDir('token') };
    for (const owner of ['Ana Example', 'a@x.example, b@x.example', 'ana@']) {
      const result = await runCli(['token', 'issue', '--name', 'x', '--owner', owner], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--owner: the owner "${owner}" is not one mailbox such as`);
    }
    expect((await runCli(['token', 'list'], env)).stdout).toBe('');
  });

  test('usage errors name what is missing', async () => {
    const env = { SENDGUARD_DATA_DIR: scratchDir('token') };
    expect((await runCli(['token', 'issue'], env)).stderr).toContain('--name');
    expect((await runCli(['token', 'issue', '--name', 'x', '--role', 'root'], env)).code).toBe(2);
    expect((await runCli(['token', 'revoke', 'nope'], env)).code).toBe(1);
  });
});
