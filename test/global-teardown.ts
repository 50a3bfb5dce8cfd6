import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** A bed somebody already had running (a developer trying `sendguard check`) is left running. */
export default function globalTeardown(): void {
  if (process.env.SENDGUARD_TESTBED_STARTED_BY_RUN !== '1') return;
  spawnSync(join(__dirname, 'testbed', 'down.sh'), { encoding: 'utf8', timeout: 60_000 });
}
