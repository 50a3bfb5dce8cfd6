/**
 * Temporary folders for tests, and the servers and processes that use them: made or registered here, and when the
 * test file ends — also when a test failed half-way — stopped first, then the folders removed. jest runs the
 * cleanup after every test file (test/helpers/scratch-cleanup.ts, in `setupFilesAfterEnv`), so no test file
 * needs an `afterAll` of its own for them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Run first, last registered first: a backend closes before the services it was started on. */
const stops: Array<() => Promise<void>> = [];
/** Removed after every stop, so that no server, agent or Thunderbird still writes into a folder as it goes. */
const folders: Array<{ path: string; gnupgHome: boolean }> = [];

function makeFolder(name: string, gnupgHome: boolean): string {
  const path = mkdtempSync(join(tmpdir(), `sendguard-${name}-`));
  folders.push({ path, gnupgHome });
  return path;
}

/** A new empty folder `<tmp>/sendguard-<name>-XXXXXX`, removed when the test file ends. */
export function scratchDir(name: string): string {
  return makeFolder(name, false);
}

/**
 * A new GnuPG home, removed when the test file ends once the gpg-agent gpg started for it (and only that one) has
 * been ended: an agent outlives the gpg that started it, and one would be left per home otherwise.
 */
export function scratchGnupgHome(name: string): string {
  return makeFolder(name, true);
}

function stopGnupgAgent(home: string): void {
  try {
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  } catch {
    // No agent was started.
  }
}

/**
 * `stop` (closing a server, ending a process) made to run once however often it is called, and called when the
 * test file ends if the test has not called it by then — before any scratch folder goes.
 */
export function stopAtFileEnd(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const once = () => (stopping ??= stop());
  stops.push(once);
  return once;
}

/** The file's stops, then its folders; each one runs even when one before it failed, whose error is then thrown. */
export async function cleanUpScratch(): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (step: () => unknown) => {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  };
  for (let stop = stops.pop(); stop; stop = stops.pop()) await attempt(stop);
  for (const { path, gnupgHome } of folders.splice(0))
    await attempt(() => {
      if (gnupgHome) stopGnupgAgent(path);
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    });
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'cleaning up after the test file failed');
}
