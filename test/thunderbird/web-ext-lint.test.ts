/**
 * `web-ext lint` on the built add-on: no errors, and no warning but those known to be false alarms for a
 * Thunderbird add-on (the linter checks against Firefox).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ADDON = join(__dirname, '..', '..', 'dist', 'web', 'thunderbird');

/** Why each accepted warning is not a defect. */
const KNOWN: Record<string, string> = {
  // Thunderbird's own permissions, unknown to Firefox's schema.
  MANIFEST_PERMISSIONS: 'compose, compose.send and messagesRead are Thunderbird permissions',
  // The Firefox minimum-version keys: the add-on targets Thunderbird 128+, not Firefox.
  KEY_FIREFOX_UNSUPPORTED_BY_MIN_VERSION: 'targets Thunderbird',
  KEY_FIREFOX_ANDROID_UNSUPPORTED_BY_MIN_VERSION: 'targets Thunderbird',
  // zod probes `new Function('')` in a try to see whether eval is allowed; extension pages forbid it, so it is not.
  DANGEROUS_EVAL: "zod's eval-availability probe",
  // react-dom's own innerHTML writes (dangerouslySetInnerHTML is used nowhere in our code).
  UNSAFE_VAR_ASSIGNMENT: "react-dom's internals",
};

test('the built Thunderbird add-on lints with no errors and only known warnings', async () => {
  expect(existsSync(join(ADDON, 'manifest.json'))).toBe(true);
  const { stdout } = await promisify(execFile)(
    'npx',
    [
      'web-ext',
      'lint',
      '--source-dir',
      ADDON,
      '--ignore-files',
      '*.map',
      '--output',
      'json',
      '--no-config-discovery',
    ],
    { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout: string }) => error);
  const report = JSON.parse(stdout) as {
    errors: { code: string }[];
    warnings: { code: string; file?: string }[];
  };
  expect(report.errors).toEqual([]);
  expect(report.warnings.filter((w) => !(w.code in KNOWN))).toEqual([]);
}, 150_000);
