/**
 * `sendguard check` of many domains checks part of them in a second thread: the command's own script run again
 * there with `--json` (src/cli/commands/check-thread.ts). Stand-in scripts show which domains and options the
 * thread gets, that its reports take their places in argument order, and that a thread that fails, prints what
 * is not its reports or hangs leaves its domains to be checked in the first. The built command shows the real
 * thread gives what one thread gives.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../helpers/cli';
import { testbed, testbedCases, type Testbed } from '../helpers/testbed';

const run = promisify(execFile);

let bed: Testbed;
let network: string[];
let scratch: string;
/** Ten well-behaved bed domains: enough for a second thread, which takes the first four. */
let domains: string[];

beforeAll(() => {
  bed = testbed();
  network = ['--dns', bed.dns, '--ca-file', bed.caFile, '--allow-private', '--timeout', '5000'];
  scratch = mkdtempSync(join(tmpdir(), 'sendguard-check-thread-'));
  domains = testbedCases()
    .filter((c) => ['authenticated', 'encrypted'].includes(c.expect) && c.deadlineMs === undefined)
    .slice(0, 10)
    .map((c) => c.domain);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in for bin/sendguard.js: `body` runs in the worker, with `argv` (after the script) and `record`. */
function script(name: string, body: string): { file: string; argvFile: string } {
  const file = join(scratch, `${name}.js`);
  const argvFile = join(scratch, `${name}.argv.json`);
  writeFileSync(
    file,
    `const argv = process.argv.slice(2);\nrequire('node:fs').writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(argv));\n${body}\n`,
  );
  return { file, argvFile };
}

/** Prints a made-up report for each domain after `--`, marked as the thread's. */
const REPORTING = `
const given = argv.slice(argv.indexOf('--') + 1);
const report = (domain) => ({
  domain, verdict: 'encrypted', reasons: ['reported by the second thread'], mx: [],
  mtaSts: { state: 'none' }, tlsRpt: { state: 'none' }, timings: { totalMs: 1 },
  mailboxAccess: { verdict: 'unknown', reasons: [], endpoints: [], checkedAt: '2026-01-01T00:00:00.000Z' },
});
process.stdout.write(JSON.stringify(given.map(report)));
`;

type Report = { domain: string; verdict: string; reasons: string[] };

test('the thread gets the run’s options and the first 40% of the domains; its reports take their places in order', async () => {
  const { file, argvFile } = script('reporting', REPORTING);
  const { code, stdout, stderr } = await runCli(
    ['check', ...domains, ...network, '--json'],
    {},
    { script: file },
  );
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const argv = JSON.parse(readFileSync(argvFile, 'utf8')) as string[];
  expect(argv).toEqual(['check', '--json', ...network, '--', ...domains.slice(0, 4)]);
  const reports = JSON.parse(stdout) as Report[];
  expect(reports.map((r) => r.domain)).toEqual(domains);
  const fromThread = reports.map((r) => r.reasons[0] === 'reported by the second thread');
  expect(fromThread).toEqual(domains.map((_, n) => n < 4));
});

test('fewer than eight domains are all checked in one thread', async () => {
  const { file, argvFile } = script('unused', REPORTING);
  const { code, stdout } = await runCli(
    ['check', ...domains.slice(0, 7), ...network, '--json'],
    {},
    { script: file },
  );
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toHaveLength(7);
  expect(existsSync(argvFile)).toBe(false);
});

test.each([
  ['throws', `throw new Error('broken on purpose');`, 'broken on purpose'],
  ['prints what is not its reports', `process.stdout.write('not JSON');`, 'its output was not its reports'],
  [
    'leaves a domain out',
    `${REPORTING.replace('given.map(report)', 'given.slice(1).map(report)')}`,
    undefined,
  ],
])('a thread that %s leaves its domains to the first, which checks them', async (_, body, said) => {
  const { file } = script(`failing-${said ?? 'short'}`.replace(/\W+/g, '-'), body);
  const { code, stdout, stderr } = await runCli(
    ['check', ...domains, ...network, '--json'],
    {},
    { script: file },
  );
  expect(code).toBe(0);
  if (said) expect(stderr).toContain(`a second thread failed (`);
  if (said) expect(stderr).toContain(said);
  const reports = JSON.parse(stdout) as Report[];
  expect(reports.map((r) => r.domain)).toEqual(domains);
  // The first domain was never reported by the thread: checked here, with the bed's real verdict.
  expect(reports[0]?.reasons[0]).not.toBe('reported by the second thread');
  expect(['authenticated', 'encrypted']).toContain(reports[0]?.verdict);
});

test('a thread that hangs is stopped past the deadline and its domains checked in the first', async () => {
  const { file } = script('hanging', 'setInterval(() => undefined, 1000);');
  const short = [...network.slice(0, -1), '500'];
  const started = Date.now();
  const { stdout, stderr } = await runCli(['check', ...domains, ...short, '--json'], {}, { script: file });
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(stderr).toContain('did not finish within 5500 ms');
  expect((JSON.parse(stdout) as Report[]).map((r) => r.domain)).toEqual(domains);
}, 30_000);

test('the built command with its real second thread reports what one thread does', async () => {
  const bin = join(__dirname, '..', '..', 'bin', 'sendguard.js');
  const args = ['check', ...domains, ...network, '--json'];
  const [two, one] = await Promise.all([
    run(process.execPath, [bin, ...args], { encoding: 'utf8' }),
    runCli(args),
  ]);
  expect(two.stderr).toBe('');
  const verdicts = (text: string) => (JSON.parse(text) as Report[]).map((r) => [r.domain, r.verdict]);
  expect(verdicts(two.stdout)).toEqual(verdicts(one.stdout));
});
