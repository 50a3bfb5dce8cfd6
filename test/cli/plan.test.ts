import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'examples', 'assessments.json');

/** The shipped policy with restricted messages sent by secure pickup only (dr.lee has an OpenPGP key). */
async function restrictedByPickup(dir: string): Promise<string> {
  const shipped = await readFile(join(ROOT, 'config', 'policy.yaml'), 'utf8');
  const file = join(dir, 'policy.yaml');
  await writeFile(file, shipped.replace('prefer: [pgp, escrow]', 'prefer: [escrow]'));
  return file;
}

describe('sendguard plan', () => {
  test('prints a readable plan of the shipped sample', async () => {
    const { code, stdout } = await runCli([
      'plan',
      '--to',
      'ann@partner-dane.example',
      '--to',
      'claims@supplier.example',
      '--classification',
      'confidential',
      '--assessments',
      SAMPLE,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('Plan: Send with forced TLS (the subject gets "#secure#") to 2 recipients.');
    expect(stdout).toMatch(/claims@supplier\.example\s+To\s+forced TLS/);
  });

  test('--json prints the plan object; comma-separated lists and display names are read like a host sends them', async () => {
    const { code, stdout } = await runCli([
      'plan',
      '--to',
      '"Lee, Dr." <dr.lee@smallclinic.example>, ann@partner-dane.example',
      '--classification',
      'restricted',
      '--assessments',
      SAMPLE,
      '--json',
    ]);
    const plan = JSON.parse(stdout);
    expect(plan.action).toBe('escrow');
    expect(plan.recipients.map((r: { address: string }) => r.address)).toEqual([
      'dr.lee@smallclinic.example',
      'ann@partner-dane.example',
    ]);
    expect(plan.recipients[0].displayName).toBe('Lee, Dr.');
    expect(code).toBe(0);
  });

  test('--body runs the content detectors, which raise the classification and are listed without the number', async () => {
    const dir = scratchDir('plan');
    const body = join(dir, 'body.txt');
    await writeFile(body, 'Hi,\nplease update the payroll record. SSN: 512-44-7391\nThanks\n');
    const { code, stdout } = await runCli([
      'plan',
      '--to',
      'dr.lee@smallclinic.example',
      '--assessments',
      SAMPLE,
      '--body',
      body,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('Classification: restricted');
    expect(stdout).toContain('found on line 2: US Social Security number');
    expect(stdout).not.toContain('512-44-7391');
    expect(stdout).toContain('Plan: Encrypt with OpenPGP for 1 recipient.');
  });

  test('a body longer than the detectors read is reported as truncated and planned as the add-ins plan it', async () => {
    const dir = scratchDir('plan');
    const body = join(dir, 'long.txt');
    // 2.2 MB of harmless text, then an SSN the detectors never reach.
    await writeFile(body, `${'Minutes of the meeting. '.repeat(92_000)}SSN: 512-44-7391\n`);
    const args = ['plan', '--to', 'ann@partner-dane.example', '--assessments', SAMPLE, '--body', body];
    const json = await runCli([...args, '--json']);
    const plan = JSON.parse(json.stdout);
    expect(plan.truncated).toBe(true);
    expect(plan.findings).toEqual([]);
    expect(plan.classification).toBe('restricted');
    const text = await runCli(args);
    expect(text.stdout).toContain('too long to check in full');
    expect(text.stdout).toContain('Classification: restricted');
  });

  test('secure pickup names each recipient’s proof, who needs the sender’s passcode, and --with-passcode puts it first', async () => {
    const dir = scratchDir('plan');
    const file = join(dir, 'assessments.json');
    const sample = JSON.parse(await readFile(SAMPLE, 'utf8'));
    await writeFile(
      file,
      JSON.stringify({
        ...sample,
        signIn: [{ address: 'dr.lee@smallclinic.example', provider: 'google', label: 'Google' }],
      }),
    );
    const args = [
      'plan',
      '--to',
      'ann@partner-dane.example, claims@supplier.example, dr.lee@smallclinic.example',
      '--classification',
      'restricted',
      '--assessments',
      file,
      '--policy',
      await restrictedByPickup(dir),
    ];
    const { code, stdout } = await runCli(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ann@partner-dane\.example .*secure pickup .*, proof: code by mail\n/);
    expect(stdout).toContain(
      "Secure pickup — recipient gets a code by mail (their mail server's TLS is verified).",
    );
    expect(stdout).toMatch(/claims@supplier\.example .*, proof: your passcode\n/);
    expect(stdout).toMatch(/dr\.lee@smallclinic\.example .*, proof: sign-in with Google\n/);
    expect(stdout).toContain(
      '  passcode: claims@supplier.example can open it only with a passcode the sender sets and gives them by phone or another channel, never in the email',
    );
    const json = JSON.parse((await runCli([...args, '--with-passcode', '--json'])).stdout);
    expect(json.recipients.map((r: { proof: string }) => r.proof)).toEqual([
      'passcode',
      'passcode',
      'sign-in',
    ]);
    expect(json.recipients[2].signIn).toEqual({ provider: 'google', label: 'Google' });
  });

  test('exit status 4 and the blocked recipient named when nothing can serve one', async () => {
    const { code, stdout } = await runCli([
      'plan',
      '--to',
      'x@gone.example',
      '--assessments',
      SAMPLE,
      '--classification',
      'confidential',
    ]);
    expect(code).toBe(4);
    expect(stdout).toContain('nothing can serve x@gone.example');
  });

  test('a malformed address is named, with exit status 1', async () => {
    const { code, stderr } = await runCli(['plan', '--to', 'ann@@x', '--assessments', SAMPLE]);
    expect(code).toBe(1);
    expect(stderr).toContain('to: "ann@@x" has more than one @');
  });

  test('a bad assessments file says where it is wrong', async () => {
    const dir = scratchDir('plan');
    const file = join(dir, 'a.json');
    await writeFile(
      file,
      JSON.stringify({ domains: [{ domain: 'x.example', verdict: 'great', reasons: [] }], keys: [] }),
    );
    const { code, stderr } = await runCli(['plan', '--to', 'a@x.example', '--assessments', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('domains.0.verdict');
  });

  test('a bad policy file names the bad field', async () => {
    const dir = scratchDir('plan');
    const file = join(dir, 'policy.yaml');
    await writeFile(
      file,
      'schema: 1\norganisation: X\ntag: {}\nclassifications: []\ndefaultClassification: normal\n',
    );
    const { code, stderr } = await runCli([
      'plan',
      '--to',
      'a@x.example',
      '--assessments',
      SAMPLE,
      '--policy',
      file,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/tag: give a subject tag, a header, or both/);
    expect(stderr).toMatch(/classifications: /);
  });

  test('an unknown classification and a missing option are usage errors', async () => {
    expect(
      (await runCli(['plan', '--to', 'a@x.example', '--assessments', SAMPLE, '--classification', 'secret']))
        .code,
    ).toBe(1);
    expect((await runCli(['plan', '--to', 'a@x.example'])).code).toBe(2);
    expect((await runCli(['plan', '--frobnicate'])).code).toBe(2);
  });

  test('--help, --version, and an unknown command', async () => {
    expect((await runCli(['--help'])).stdout).toContain('plan');
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  test('the installed bin runs the built command (as `npx sendguard` does)', async () => {
    const { stdout } = await promisify(execFile)('node', [
      join(ROOT, 'bin', 'sendguard.js'),
      'plan',
      '--to',
      'ann@partner-dane.example',
      '--assessments',
      SAMPLE,
    ]);
    expect(stdout).toContain('Plan: Send as usual');
  });
});
