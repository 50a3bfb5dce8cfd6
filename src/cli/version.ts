/** The package's version, for `sendguard --version`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function version(): string {
  // Read at run time: package.json sits outside the compiled tree, two levels up from src/cli and dist/cli.
  const file = join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
