import { runCli } from '../helpers/cli';
import { testbed } from '../helpers/testbed';

let network: string[];

beforeAll(() => {
  const bed = testbed();
  network = [
    '--dns',
    bed.dns,
    '--ca-file',
    bed.caFile,
    '--allow-private',
    '--vks-url',
    'https://keys.sendguard.test',
  ];
});

describe('sendguard keys', () => {
  test('--json: one object per address with verdict, source and fingerprint (README, "The sendguard command")', async () => {
    const { code, stdout } = await runCli([
      'keys',
      'alice@wkd.sendguard.test',
      'dana@pgpdns.sendguard.test',
      ...network,
      '--json',
    ]);
    expect(code).toBe(0);
    const [alice, dana] = JSON.parse(stdout);
    expect(alice).toMatchObject({
      address: 'alice@wkd.sendguard.test',
      verdict: 'valid',
      source: 'wkd',
      fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/),
    });
    expect(alice.armoredKey).toBeUndefined();
    expect(dana).toMatchObject({ verdict: 'valid', source: 'dns' });
  });

  test('a refused key says which rule refused it; --armor prints usable keys', async () => {
    const { stdout } = await runCli([
      'keys',
      'erin@wkd.sendguard.test',
      'alice@wkd.sendguard.test',
      ...network,
      '--armor',
    ]);
    expect(stdout).toMatch(/erin@wkd\.sendguard\.test {2}INVALID {2}from wkd/);
    expect(stdout).toMatch(/expired/);
    expect(stdout).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
  });

  test('exit status 1 for an invalid address, with the reason', async () => {
    const { code, stderr } = await runCli(['keys', 'nobody', ...network]);
    expect(code).toBe(1);
    expect(stderr).toContain('has no @');
  });
});
