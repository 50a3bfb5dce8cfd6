/**
 * The admin console's bundles as the service serves them (dist/web/admin/), built by webpack when missing or older
 * than the sources they come from.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, newest } from '../outlook/built-addin';

export const CONSOLE_DIST = join(ROOT, 'dist', 'web', 'admin');
const SOURCES = ['src/admin', 'src/core'].map((dir) => join(ROOT, dir));

export function buildConsole(): void {
  const page = join(CONSOLE_DIST, 'index.html');
  const built = existsSync(page) ? statSync(page).mtimeMs : 0;
  if (built > Math.max(...SOURCES.map(newest))) return;
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'webpack'),
    ['--mode', 'production', '--config-name', 'admin'],
    { cwd: ROOT, stdio: 'pipe', timeout: 300_000 },
  );
}
