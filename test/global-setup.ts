/**
 * Brings the offline test bed up once for the whole run, so that parallel test files share one bed instead of
 * starting and stopping it under each other. Teardown stops it only if this run started it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const TESTBED = join(__dirname, 'testbed');

export default function globalSetup(): void {
  const up = spawnSync(join(TESTBED, 'up.sh'), { encoding: 'utf8', timeout: 170_000 });
  if (up.status !== 0)
    throw new Error(`the test bed did not come up (test/testbed/up.sh, exit ${up.status}):\n${up.stderr}`);
  process.env.SENDGUARD_TESTBED_UP = '1';
  process.env.SENDGUARD_TESTBED_STARTED_BY_RUN = up.stderr.includes('already up') ? '' : '1';
}
