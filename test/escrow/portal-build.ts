/**
 * Builds the portal bundle when dist/web/portal is missing or older than its sources: only the portal's part of
 * webpack.config.js (other areas' parts are filtered out by name), through webpack's Node API.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import webpack from 'webpack';
import { PORTAL_DIR } from './harness';

const ROOT = join(__dirname, '..', '..');
const SOURCES = ['src/portal', 'src/core'].map((dir) => join(ROOT, dir));

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const path = join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

export async function ensurePortalBuilt(): Promise<void> {
  const index = join(PORTAL_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs > Math.max(...SOURCES.map(newest))) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const all = require(join(ROOT, 'webpack.config.js'))({}, { mode: 'production' }) as webpack.Configuration[];
  const configs = all.filter((config) => config.name === 'portal');
  await new Promise<void>((resolve, reject) =>
    webpack(configs, (error, stats) => {
      if (error || stats?.hasErrors()) reject(error ?? new Error(stats?.toString('errors-only')));
      else resolve();
    }),
  );
}
