/**
 * The direction of the dependencies between the areas of src/ (docs/architecture.md, "Dependencies"): every
 * relative import of every source file is resolved to the area it lands in and checked against what that area may
 * import. core imports no other area and no Node built-in; hosts import addin and core; server, portal and the
 * admin console import core; the CLI imports core and the server only through a module's public entry,
 * src/server/<module>/index.ts, or the service's entry point, src/server/serve.ts; nothing imports the CLI. A
 * linear scan of the import strings, not a parser: enough for this tree's one style.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

type Area = 'core' | 'addin' | 'outlook' | 'thunderbird' | 'server' | 'portal' | 'admin' | 'cli';

/** What each area may import besides itself. The CLI's access to the server is narrowed further below. */
const MAY_IMPORT: Readonly<Record<Area, readonly Area[]>> = {
  core: [],
  addin: ['core'],
  outlook: ['addin', 'core'],
  thunderbird: ['addin', 'core'],
  server: ['core'],
  portal: ['core'],
  // The admin console talks to the service over HTTP only.
  admin: ['core'],
  cli: ['server', 'core'],
};

/** Bundler aliases (webpack.config.js) and the file they stand for. */
const ALIASES: Readonly<Record<string, string>> = {
  'sendguard-escrow': 'src/addin/protect/escrow/index.ts',
};

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]!);

/**
 * `from '…'`, `import '…'`, `import('…')` (with a bundler's `/* chunk name *\/` before the string) and
 * `require('…')`: the module strings a file names.
 */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(?:\/\*[^*]*\*\/\s*)?['"]([^'"\n]+)['"]/g;

export function specifiersOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[1]!);
}

const toPosix = (path: string) => path.split(sep).join(posix.sep);

/** The repository path a relative import lands on: the file itself, or the folder's index.ts. */
function resolveRelative(fromFile: string, specifier: string): string {
  const base = join(ROOT, dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return toPosix(relative(ROOT, candidate));
  }
  for (const index of ['index.ts', 'index.tsx']) {
    if (existsSync(join(base, index))) return toPosix(relative(ROOT, join(base, index)));
  }
  // Unresolved (a file being renamed): judged by its path all the same.
  return toPosix(relative(ROOT, base));
}

function areaOf(repoPath: string): Area | undefined {
  const [top, area] = repoPath.split('/');
  return top === 'src' && area !== undefined && area in MAY_IMPORT ? (area as Area) : undefined;
}

/**
 * The only server files the CLI may import: a module's public entry, src/server/<module>/index.ts, and the
 * service's own entry point, src/server/serve.ts (`sendguard serve` starts exactly what `npm start` starts).
 */
const SERVER_PUBLIC_ENTRY = /^src\/server\/(?:[a-z-]+\/index|serve)\.ts$/;

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** Every forbidden import of one file, given its repository path and its text. */
export function violationsOf(file: string, source: string): Violation[] {
  const from = areaOf(file);
  if (!from) return [];
  const found: Violation[] = [];
  for (const specifier of specifiersOf(source)) {
    const aliased = ALIASES[specifier];
    if (!aliased && !specifier.startsWith('.')) {
      if (from === 'core' && isNodeBuiltin(specifier))
        found.push({ file, imports: specifier, rule: 'core imports no Node built-in (it runs in browsers)' });
      continue;
    }
    const target = aliased ?? resolveRelative(file, specifier);
    const to = areaOf(target);
    if (!to || to === from) continue;
    if (to === 'cli') found.push({ file, imports: target, rule: 'nothing imports the CLI' });
    else if (!MAY_IMPORT[from].includes(to))
      found.push({
        file,
        imports: target,
        rule: `${from} may import only ${[from, ...MAY_IMPORT[from]].join(', ')}`,
      });
    else if (from === 'cli' && to === 'server' && !SERVER_PUBLIC_ENTRY.test(target))
      found.push({
        file,
        imports: target,
        rule: 'the CLI imports the server only through src/server/<module>/index.ts or src/server/serve.ts',
      });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|tsx|js)$/.test(name))
    .map((name) => toPosix(relative(ROOT, join(dir, name))));
}

describe('the checker', () => {
  test('finds an import in each of the forms the tree uses', () => {
    const text = [
      "import { a } from '../core/a';",
      'import type { B } from "./b";',
      "export { c } from '../c';",
      "import './side-effect';",
      "const d = () => import(/* chunk */ 'sendguard-escrow');",
      "const e = require('node:fs');",
    ].join('\n');
    expect(specifiersOf(text)).toEqual([
      '../core/a',
      './b',
      '../c',
      './side-effect',
      'sendguard-escrow',
      'node:fs',
    ]);
  });

  // Each case: a file, one import line, and the rule it breaks, or `allowed`.
  const cases: [string, string, string][] = [
    ['src/core/plan/x.ts', "import { x } from '../../server/services';", 'core may import only core'],
    ['src/core/x.ts', "import { readFile } from 'node:fs';", 'core imports no Node built-in'],
    ['src/addin/x.ts', "import { y } from '../outlook/config';", 'addin may import only addin, core'],
    [
      'src/server/api/x.ts',
      "import { y } from '../../addin/backend';",
      'server may import only server, core',
    ],
    ['src/portal/x.ts', "import { y } from '../server/escrow/wire';", 'portal may import only portal, core'],
    ['src/admin/x.ts', "import { y } from '../server/admin/domains';", 'admin may import only admin, core'],
    [
      'src/admin/pages/x.tsx',
      "import { y } from '../../addin/ui/Badge';",
      'admin may import only admin, core',
    ],
    ['src/admin/pages/x.tsx', "import { y } from '../../core/vocabulary';", 'allowed'],
    ['src/outlook/x.ts', "import { y } from '../thunderbird/settings';", 'outlook may import only'],
    ['src/server/x.ts', "import { main } from '../cli/main';", 'nothing imports the CLI'],
    ['src/server/x.ts', "import(/* chunk */ 'sendguard-escrow');", 'server may import only server, core'],
    [
      'src/cli/x.ts',
      "import { y } from '../server/keys/lookup';",
      'only through src/server/<module>/index.ts',
    ],
    ['src/cli/commands/x.ts', "import { y } from '../../server/keys';", 'allowed'],
    ['src/cli/x.ts', "import { y } from '../server/config/index';", 'allowed'],
    ['src/cli/commands/x.ts', "import { createServer } from '../../server/serve';", 'allowed'],
    [
      'src/cli/commands/x.ts',
      "import { buildApp } from '../../server/app';",
      'only through src/server/<module>/index.ts',
    ],
    ['src/outlook/x.ts', "import(/* chunk */ 'sendguard-escrow');", 'allowed'],
    ['src/thunderbird/x.ts', "import { y } from '../addin/send-check';", 'allowed'],
    ['src/core/x.ts', "import { z } from 'zod';", 'allowed'],
    ['src/server/x.ts', "import { z } from './api/errors';", 'allowed'],
  ];
  test.each(cases)('%s: %s → %s', (file, text, rule) => {
    const broken = violationsOf(file, text).map((v) => v.rule);
    expect(broken).toEqual(rule === 'allowed' ? [] : [expect.stringContaining(rule)]);
  });
});

describe('the source tree', () => {
  const files = sourceFiles(SRC);

  test('every import points in the allowed direction', () => {
    const violations = files.flatMap((file) => violationsOf(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(violations).toEqual([]);
  });

  test('the scan sees the tree: every area is there and imports are found', () => {
    const areas = new Set(files.map(areaOf));
    for (const area of Object.keys(MAY_IMPORT)) expect(areas).toContain(area);
    const imports = files.flatMap((file) => specifiersOf(readFileSync(join(ROOT, file), 'utf8')));
    expect(imports.length).toBeGreaterThan(files.length);
  });
});
