// up.sh itself, on a second bed beside the shared one: its own run directories and every address moved
// (SENDGUARD_TESTBED_SHIFT), so nothing here touches the bed the other tests use.
//   - A start that fails part-way stops what it had started: the addresses are free again afterwards.
//   - A run directory inside a mode-0700 directory (a checkout in /root/x or `mktemp -d`) works: the daemons' state
//     lives where their own users reach it, and the run directory links to it.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HERE = join(__dirname, 'testbed');
// Third octets 120-123: clear of the shared bed (0-3) and of anything else the tests use.
const SHIFT = '120';
const scratch: string[] = [];

function script(name: string, run: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(join(HERE, name), {
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, SENDGUARD_TESTBED_RUN: run, SENDGUARD_TESTBED_SHIFT: SHIFT, ...extra },
  });
}

/** preflight.js exits 0 only when every address of the (shifted) bed can be bound. */
function addressesFree(): SpawnSyncReturns<string> {
  return spawnSync('node', [join(HERE, 'preflight.js')], {
    encoding: 'utf8',
    env: { ...process.env, SENDGUARD_TESTBED_SHIFT: SHIFT },
  });
}

function banner(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: 25 });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no banner in 10 s')));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('latin1'));
    });
    socket.once('error', reject);
  });
}

afterAll(() => {
  for (const run of scratch) {
    script('down.sh', run);
    // The state directory a link points at goes too: it is this test's alone.
    if (existsSync(run) && lstatSync(run).isSymbolicLink())
      rmSync(readlinkSync(run), { recursive: true, force: true });
    rmSync(run, { recursive: true, force: true });
  }
}, 120_000);

describe('up.sh', () => {
  // A state directory of its own (the marker file says so), made reachable for the daemons; shared by both stages
  // so that the keys and certificates are made once.
  let failing: string;
  beforeAll(() => {
    failing = mkdtempSync(join(tmpdir(), 'sg-bed-fail-'));
    scratch.push(failing);
    chmodSync(failing, 0o755);
    writeFileSync(join(failing, '.testbed-state'), '');
  });

  test.each(['nsd', 'services'])(
    'a start that fails after stage "%s" stops everything it started',
    (stage) => {
      const run = failing;
      expect(addressesFree().status).toBe(0);

      const up = script('up.sh', run, { SENDGUARD_TESTBED_FAIL_AT: stage });
      expect(up.status).toBe(1);
      expect(up.stderr).toContain(`failing after stage '${stage}'`);
      expect(up.stderr).toContain('stopping what this run started');

      const free = addressesFree();
      expect({ status: free.status, taken: free.stderr }).toEqual({ status: 0, taken: '' });
      for (const pidFile of [
        'dns/nsd.pid',
        'dns/unbound.pid',
        'postfix-queue/pid/master.pid',
        'node/https-hosts.pid',
        'dovecot/tls-only/master.pid',
      ])
        expect([pidFile, existsSync(join(run, pidFile))]).toEqual([pidFile, false]);
    },
    180_000,
  );

  test('a run directory inside a mode-0700 directory: a link to state the daemons reach, and Postfix answers', async () => {
    const checkout = mkdtempSync(join(tmpdir(), 'sg-private-'));
    chmodSync(checkout, 0o700);
    const run = join(checkout, 'test', 'testbed', 'run');
    scratch.push(run, checkout);

    const up = script('up.sh', run);
    expect({ status: up.status, stderr: up.status === 0 ? '' : up.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expect(lstatSync(run).isSymbolicLink()).toBe(true);
    const state = readlinkSync(run);
    expect(state).toMatch(/^\/tmp\/sendguard-testbed-[0-9a-f]{16}$/);
    expect(lstatSync(state).mode & 0o777).toBe(0o755);

    const bed = JSON.parse(readFileSync(join(run, 'bed.json'), 'utf8')) as {
      runDir: string;
      smtp: Record<string, string>;
    };
    expect(bed.runDir).toBe(state);
    // Postfix's smtpd runs as the postfix user: it answering at all means it reached its queue and data directories.
    expect(await banner(bed.smtp.good!.replace(/:25$/, ''))).toMatch(/^220 /);

    const down = script('down.sh', run);
    expect(down.status).toBe(0);
    expect(addressesFree().status).toBe(0);
  }, 180_000);
});
