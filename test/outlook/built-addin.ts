/**
 * The Outlook bundles as the server serves them (dist/web/outlook/), built by webpack once per test run when
 * missing or older than the sources they come from.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const OUTLOOK_DIST = join(ROOT, 'dist', 'web', 'outlook');
const SOURCES = ['src/addin', 'src/outlook', 'src/core'].map((dir) => join(ROOT, dir));
/** The pages name the content-hashed bundles they load (taskpane.1a2b3c4d.js), so a build writes them anew. */
const OUTPUTS = [
  'taskpane.html',
  'readpane.html',
  'launchevent.html',
  'launchevent.js',
  'tryit/index.html',
  'tryit/read.html',
].map((file) => join(OUTLOOK_DIST, file));

/** The newest modification time (ms) of any file under `dir`. */
export function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

export function buildOutlook(): void {
  const built = OUTPUTS.every(existsSync) ? Math.min(...OUTPUTS.map((f) => statSync(f).mtimeMs)) : 0;
  if (built > Math.max(...SOURCES.map(newest))) return;
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'webpack'),
    ['--config-name', 'outlook-pane', '--config-name', 'outlook-launchevent'],
    { cwd: ROOT, stdio: 'pipe', timeout: 240_000 },
  );
}
